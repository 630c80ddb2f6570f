"""SMS gateways, one module each (see base.Gateway). Importing this package registers them all."""

from madini.sms.gateways import africastalking, generic, smssync, twilio, vonage  # noqa: F401
