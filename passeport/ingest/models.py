from .accrochage.models import *  # noqa: F403
from .dsn.models import *  # noqa: F403
