"""Training hyper-parameters: one dataclass, every field a command-line flag."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass, field, fields

ARCHITECTURES = ("compact", "wide")


@dataclass
class TrainConfig:
    data: str | None = None          # IDX folder or mnist.npz; else $DIGITS_DATA, else download
    out: str = "runs"                # each run writes runs/<timestamp>/
    epochs: int = 32
    batch_size: int = 128
    learning_rate: float = 2e-3      # peak of the one-cycle schedule
    weight_decay: float = 1e-4
    arch: str = "compact"            # compact (fast) or wide; see train/model.py
    width: int = 32                  # filters of the first block; later blocks double it
    dense: int = 128
    dropout: float = 0.35
    label_smoothing: float = 0.05
    augment: float = 1.0             # 0 turns augmentation off; 1 is the tuned strength
    styles: int = 30000              # training digits also written in other hands (0: none)
    styled_val: int = 3000           # validation digits so written, to measure that
    cut_digits: int = 0              # training digits also given as cut out of touching numbers
    cache: str = "runs/cache"        # restyled digits are kept here between runs
    val_split: int = 5000            # images held out of the training set for validation
    patience: int = 10               # early stopping on validation loss
    seed: int = 1234
    split_seed: int | None = None    # picks the validation split (default: --seed)
    limit: int = 0                   # use only the first N training images (smoke runs)
    init_from: str | None = None     # fine-tune from this model.keras at a lower learning rate
    finetune_lr_scale: float = 0.1
    extra: str | None = None         # DIR/<digit>/*.png mixed into training
    extra_repeat: int = 20           # how often each extra image is repeated per epoch
    teachers: list[str] = field(default_factory=list)  # exported models to distil (train/distil.py)
    teacher_weight: float = 0.5      # share of the teachers' mean in each target (1 - it: label)

    @classmethod
    def from_argv(cls, argv: list[str] | None = None) -> TrainConfig:
        parser = argparse.ArgumentParser(
            prog="python -m train", description="Train the digit CNN on MNIST.",
            formatter_class=argparse.ArgumentDefaultsHelpFormatter)
        for f in fields(cls):
            flag = "--" + f.name.replace("_", "-")
            helptext = _HELP.get(f.name, f.name.replace("_", " "))
            if f.default is dataclasses.MISSING:  # a list: any number of values
                parser.add_argument(flag, nargs="*", default=[], metavar="PATH", help=helptext)
                continue
            kind = {"int": int, "float": float}.get(str(f.type).split(" ")[0], str)
            parser.add_argument(flag, type=kind, default=f.default, metavar=f.name.upper(),
                                choices=ARCHITECTURES if f.name == "arch" else None,
                                help=helptext)
        cfg = cls(**vars(parser.parse_args(argv)))
        if not 0 <= cfg.teacher_weight <= 1:
            parser.error(f"--teacher-weight {cfg.teacher_weight}: must lie in 0..1")
        if cfg.cut_digits < 0:
            parser.error(f"--cut-digits {cfg.cut_digits}: must be 0 or more")
        return cfg

    @classmethod
    def recorded(cls, parameters: dict) -> TrainConfig:
        """The configuration a run recorded (its config.json, a model card's training
        parameters), less what is no parameter (the command, a soup's models)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in parameters.items() if k in known})

    @property
    def validation_seed(self) -> int:
        """The seed of the validation split: runs that share it can be compared, averaged
        (`train.soup`) and recalibrated on the same held-out digits."""
        return self.seed if self.split_seed is None else self.split_seed

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


_HELP = {
    "data": "folder with the four MNIST IDX files (gzipped or not) or a Keras mnist.npz; "
            "default: $DIGITS_DATA, else the standard Keras download",
    "out": "parent folder of the run folders",
    "augment": "augmentation strength (0 = off)",
    "styles": "how many training digits are also mixed in written in other styles "
              "(train/styles.py; 0 = none)",
    "styled_val": "how many validation digits are written in other styles, for calibrating "
                  "the confidence and for the report",
    "cut_digits": "how many digits are also mixed in as the app cuts them out of numbers of "
                  "touching training digits, a piece of a neighbour's stroke at the cut "
                  "(train/numbers.py; 0 = none)",
    "cache": "folder where restyled digits are kept, so the next run need not make them again",
    "split_seed": "seed of the validation split, when it differs from --seed: fine-tunes "
                  "of one model with different seeds that keep its held-out digits",
    "limit": "train on the first N images only (0 = all); for smoke runs",
    "init_from": "continue training from this model.keras",
    "extra": "folder of labelled images DIR/<digit>/*.png to mix into training",
    "teachers": "exported models (digits.onnx) whose mean reading of each training batch, "
                "augmented, is mixed into its targets: distillation (train/distil.py)",
    "teacher_weight": "share of the teachers' reading in each target, the label's the rest",
}
