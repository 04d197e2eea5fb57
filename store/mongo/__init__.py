"""The production engine: MongoDB through Motor (replica sets, sharding, several app instances)."""
from store.mongo.engine import MongoStore

__all__ = ["MongoStore"]
