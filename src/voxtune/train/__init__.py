"""Training: LoRA (or full) fine-tuning in stages, from one YAML config, for any model family."""

from voxtune.train.config import TrainConfig, load_train_config
from voxtune.train.run import TrainResult, run_training
from voxtune.train.trainer import StageResult, TrainingDivergedError

__all__ = [
    "StageResult",
    "TrainConfig",
    "TrainResult",
    "TrainingDivergedError",
    "load_train_config",
    "run_training",
]
