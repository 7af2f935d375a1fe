"""`specreview rules` and `specreview rules show ID`."""

from __future__ import annotations

from typing import Annotated

import typer

from specreview.cli.app import ConfigOpt, RulesDirOpt, app, handles_errors, setup
from specreview.errors import SpecreviewError
from specreview.ruleset.model import Rule

rules_app = typer.Typer(help="List the rules, or show one with its rationale and fix.", invoke_without_command=True)
app.add_typer(rules_app, name="rules")


@rules_app.callback()
@handles_errors
def rules_list(
    ctx: typer.Context,
    config: ConfigOpt = None,
    rules_dir: RulesDirOpt = [],  # noqa: B006 - typer reads defaults, never mutates them
) -> None:
    """List the rules."""
    if ctx.invoked_subcommand is not None:
        return
    _, rules = setup(config, rules_dir)
    for rule in sorted([*rules, _probe_rule()], key=lambda r: (r.category, r.id)):
        state = "" if rule.enabled else "  (disabled)"
        typer.echo(f"{rule.id:32} {rule.category:18} {rule.severity.value:8} {rule.summary}{state}")


@rules_app.command("show")
@handles_errors
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="The rule id, as listed by `specreview rules`.")],
    config: ConfigOpt = None,
    rules_dir: RulesDirOpt = [],  # noqa: B006
) -> None:
    """Show one rule: what it finds, why it matters, how to fix it."""
    _, rules = setup(config, rules_dir)
    rule = next((r for r in [*rules, _probe_rule()] if r.id == rule_id), None)
    if rule is None:
        raise SpecreviewError(f"no rule {rule_id!r}; `specreview rules` lists them")
    lines = [
        f"{rule.id}  [{rule.category}, {rule.severity.value}]",
        rule.summary,
        "",
        "What it finds",
        f"  {rule.docs.what}",
        "",
        "Why it matters",
        f"  {rule.docs.why}",
        "",
        "How to fix it",
        f"  {rule.docs.fix}",
    ]
    tags = [*rule.cwe, *(f"OWASP {o}" for o in rule.owasp)]
    if tags:
        lines += ["", "References", f"  {', '.join(tags)}", *(f"  {ref}" for ref in rule.docs.references)]
    lines += ["", f"Defined in {rule.origin}"]
    typer.echo("\n".join(lines))


def _probe_rule() -> Rule:
    """`specreview probe`'s docs-exposure check: not a document rule, but listed and documented like one."""
    from specreview.probe import DOCS_EXPOSURE_RULE

    return DOCS_EXPOSURE_RULE
