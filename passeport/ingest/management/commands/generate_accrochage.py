from passeport.ingest.accrochage.commands import GenerateCommand as Command

__all__ = ["Command"]
