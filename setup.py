"""Build of the optional C accelerator (tthc_pipeline/text/_native.c); everything else is in
pyproject.toml. ``optional=True``: where no C compiler is present the install still succeeds
and the pure-Python implementation runs (same results, slower)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "tthc_pipeline.text._native",
            sources=["tthc_pipeline/text/_native.c"],
            optional=True,
            extra_compile_args=["-O2"],
        )
    ]
)
