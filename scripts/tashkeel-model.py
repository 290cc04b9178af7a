#!/usr/bin/env python3
"""Writes the vowel-mark model that the audio crate runs for words its table lacks: the
BiLSTM of the PyPI package arabic-diacritizer 1.0.0 (MIT; its licence is
crates/audio/data/arabic-diacritizer.LICENSE), converted from PyTorch's checkpoint to
safetensors without PyTorch (the checkpoint is a zip of a pickle and raw float32 arrays).

The model (about 4.5 million weights, 18 MB) is not kept in the repository: this script
fetches it. Point `[audio] tashkeel_model` (or ARABPRESS_TASHKEEL_MODEL) at the file.

Usage: scripts/tashkeel-model.py OUT.safetensors [WHEEL]
       (without WHEEL, pip downloads arabic-diacritizer==1.0.0)
"""
import collections
import io
import json
import pickle
import struct
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from diacritizer_wheel import wheel  # noqa: E402


class Storage:
    def __init__(self, key):
        self.key = key


def rebuild_tensor(storage, offset, size, stride, *_):
    return (storage.key, offset, tuple(size), tuple(stride))


class Unpickler(pickle.Unpickler):
    """Reads a state dict without PyTorch: tensors become (storage, offset, shape, stride)."""

    def find_class(self, module, name):
        if name == "_rebuild_tensor_v2":
            return rebuild_tensor
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module.startswith("torch") and name == "FloatStorage":
            return name
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in the checkpoint")

    def persistent_load(self, pid):
        kind, dtype, key, _location, _size = pid
        if kind != "storage" or dtype != "FloatStorage":
            raise pickle.UnpicklingError(f"unexpected storage {pid!r}")
        return Storage(key)




def main():
    out = Path(sys.argv[1])
    with zipfile.ZipFile(wheel(sys.argv[2] if len(sys.argv) > 2 else None)) as w:
        checkpoint = zipfile.ZipFile(io.BytesIO(w.read("diacritize/assets/bilstm_best.pt")))
    root = next(n for n in checkpoint.namelist() if n.endswith("/data.pkl"))[: -len("data.pkl")]
    state = Unpickler(io.BytesIO(checkpoint.read(root + "data.pkl"))).load()
    if checkpoint.read(root + "byteorder").strip() != b"little":
        raise SystemExit("the checkpoint is not little-endian")
    storages = {}
    header, blobs, at = {}, [], 0
    for name, (key, offset, shape, stride) in state.items():
        if key not in storages:
            storages[key] = checkpoint.read(f"{root}data/{key}")
        count = 1
        for d in shape:
            count *= d
        expected = []
        step = 1
        for d in reversed(shape):
            expected.insert(0, step)
            step *= d
        if list(stride) != expected:
            raise SystemExit(f"{name}: not contiguous")
        blob = storages[key][4 * offset: 4 * (offset + count)]
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [at, at + len(blob)]}
        blobs.append(blob)
        at += len(blob)
    header["__metadata__"] = {"source": "arabic-diacritizer 1.0.0 (MIT), diacritize/assets/bilstm_best.pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    print(f"{len(state)} tensors, {at // 4} weights -> {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
