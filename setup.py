"""Package discovery for setuptools; everything else is in pyproject.toml.

Only here because pyproject's ``[tool.setuptools]`` table cannot both discover packages and
add one that lives under another folder name: the checkout keeps icons, lessons and the
``.desktop`` file in the top-level ``resources/`` folder, and the wheel ships that folder as
the package ``chainrule_resources`` (found at run time with ``importlib.resources`` by
``app/application/resources.py``), so ``pip install .``/``pipx install`` get them too.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["core", "core.*", "app", "app.*"]), "chainrule_resources"],
    package_dir={"chainrule_resources": "resources"},
    package_data={
        "app": ["*.qss"],
        "chainrule_resources": ["icons/*.svg", "examples/*.json", "*.desktop"],
    },
)
