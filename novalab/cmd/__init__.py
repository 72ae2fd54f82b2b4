"""The ``novalab`` console script: one small module per command.

Nova ships one console script per service (``nova-api``, ``nova-compute``, ...) under
``nova/cmd/``; novalab keeps the folder name but has a single ``novalab`` entry point with
subcommands, because a student types one word and the roles all live in one package.

    novalab tour      boot one server in an in-kernel cloud and tell its story
    novalab doctor    what is installed here and which parts of novalab are real
    novalab up        the control plane over HTTP, for the openstack CLI and openstacksdk
"""
from __future__ import annotations

import argparse
import os
import sys

import novalab
from novalab.cmd import doctor, tour, up

COMMANDS = (tour, doctor, up)       # each module has NAME, HELP, add_arguments(parser) and run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="novalab", description="OpenStack Nova, small enough to read and run.")
    parser.add_argument("--version", action="version", version=f"novalab {novalab.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        sub = commands.add_parser(module.NAME, help=module.HELP, description=module.__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def console(no_color: bool = False):
    """A rich console on stdout: colour only on a terminal, never with ``--no-color`` or NO_COLOR.

    ``soft_wrap`` keeps each sentence on one line however narrow the terminal (or CI log) is,
    so the output can be grepped and pinned by tests.
    """
    from rich.console import Console
    plain = no_color or bool(os.environ.get("NO_COLOR"))
    return Console(color_system=None if plain else "auto", highlight=False, soft_wrap=True,
                   emoji=False)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:          # `novalab tour | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
