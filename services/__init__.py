"""One package per pipeline stage; each is its own Faust app and consumer group."""
