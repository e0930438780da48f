"""The application room: the main window, its actions and shortcuts, settings, theme, icons,
resources and error dialogs — what holds the other rooms together."""
