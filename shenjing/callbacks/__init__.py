"""Callbacks: hooks into ``fit``, ``evaluate`` and ``predict``, with Keras's names.

They sit below the models floor: the trainer drives them, and they touch the
model only through its public methods (``get_weights``, ``save``, ``stop_training``).
"""

from .callback import Callback
from .callback_list import CallbackList
from .history import History
from .progbar_logger import Progbar, ProgbarLogger
from .backup_and_restore import BackupAndRestore
from .csv_logger import CSVLogger
from .early_stopping import EarlyStopping
from .lambda_callback import LambdaCallback
from .learning_rate_scheduler import LearningRateScheduler
from .model_checkpoint import ModelCheckpoint
from .monitor_callback import MonitorCallback
from .reduce_lr_on_plateau import ReduceLROnPlateau
from .terminate_on_nan import TerminateOnNaN
from .remote_monitor import RemoteMonitor
from .swap_ema_weights import SwapEMAWeights
