"""Subcommands of `madini sms …`, one module each with `add_arguments(parser)` and `handle(options, stdout)`."""

SUBCOMMANDS = {
    "add-channel": "add_channel",
    "generate-keys": "generate_keys",
    "rotate-keys": "rotate_keys",
    "replay": "replay",
    "simulate": "simulate",
    "send-queued": "send_queued",
}
