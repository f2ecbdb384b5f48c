"""Optional compiled kernels (Cython) for the hot loops; everything else is in pyproject.toml.

Each `cleaner/*.pyx` is built as an optional extension: when it cannot be compiled (no C
compiler, say) the install still succeeds and `cleaner` runs the pure-Python code it mirrors,
with the same output (tests/test_speedups_*.py check that both paths agree)."""

from pathlib import Path

from setuptools import setup

try:
    import lxml
    from Cython.Build import cythonize
except ImportError:  # building without the build requirements: pure Python only
    extensions = []
else:
    extensions = []
    for source in sorted(Path("cleaner").glob("*.pyx")):
        try:  # a kernel Cython cannot translate is skipped like one the C compiler cannot build
            built = cythonize(
                [str(source)],
                language_level=3,
                quiet=True,
                compiler_directives={"boundscheck": False, "wraparound": False, "cdivision": True},
            )
        except Exception as exc:  # noqa: BLE001 - reported, and the install goes on
            print(f"warning: {source} not compiled ({exc}); the pure-Python path will run")
            continue
        for ext in built:
            ext.optional = True
            ext.include_dirs = [*lxml.get_include(), *ext.include_dirs]
        extensions += built

setup(ext_modules=extensions)
