from fastapi import FastAPI

from shop.routes import router

app = FastAPI(title="Shop", servers=[{"url": "http://10.1.2.3:8080"}])
app.include_router(router)
