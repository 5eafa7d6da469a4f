from passeport.ingest.accrochage.commands import IngestCommand as Command

__all__ = ["Command"]
