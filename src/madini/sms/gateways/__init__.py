"""SMS gateways, one module each (see base.Gateway). Importing this package registers them all."""
