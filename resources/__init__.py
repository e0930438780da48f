"""Icons, example lessons and the ``.desktop`` file: this folder is installed as the package
``chainrule_resources`` (see setup.py) so an installed app finds them with
``importlib.resources``; ``app/application/resources.py`` is the one place that looks them up."""
