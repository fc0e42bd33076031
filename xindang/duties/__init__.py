"""One to-do system: the work the regulations schedule, gathered from every app, the daily run and the
e-mail digest."""
