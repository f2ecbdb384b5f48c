"""Optional compiled kernels (Cython) for the hot loops; everything else is in pyproject.toml.

Each `cleaner/*.pyx` is built as an optional extension: when it cannot be compiled (no C
compiler, say) the install still succeeds and `cleaner` runs the pure-Python code it mirrors,
with the same output (tests/test_speedups.py checks both paths agree)."""

from pathlib import Path

from setuptools import setup

try:
    import lxml
    from Cython.Build import cythonize
except ImportError:  # building without the build requirements: pure Python only
    extensions = []
else:
    sources = sorted(str(p) for p in Path("cleaner").glob("*.pyx"))
    extensions = (
        cythonize(
            sources,
            language_level=3,
            quiet=True,
            compiler_directives={"boundscheck": False, "wraparound": False, "cdivision": True},
        )
        if sources
        else []
    )
    for ext in extensions:
        ext.optional = True
        ext.include_dirs = [*lxml.get_include(), *ext.include_dirs]

setup(ext_modules=extensions)
