"""What the tashkeel scripts share: the arabic-diacritizer 1.0.0 wheel (MIT) they read
their data from, and the Arabic vowel marks."""
import atexit
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Fathatan … sukun, and superscript alef.
MARKS = set(chr(c) for c in range(0x064B, 0x0653)) | {"\u0670"}


def wheel(given=None):
    """The wheel at `given`, else one pip downloads into a new temporary folder."""
    if given:
        return Path(given)
    tmp = Path(tempfile.mkdtemp())
    atexit.register(shutil.rmtree, tmp, True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp),
                    "arabic-diacritizer==1.0.0"], check=True)
    return next(tmp.glob("*.whl"))
