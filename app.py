#!/usr/bin/env python3
"""The CDK app: the pipeline's stacks for one environment (stacks/app.py); nothing else.

    make deploy ENV=dev      (npx aws-cdk@2 deploy --all -c env=dev; `make synth ENV=dev` only synthesizes)

Whether an environment is wired to Snowflake is its `[snowflake] wired` setting, never a deploy flag.

What each stack holds is in `stacks/`; names, schedules and sizes come from `config/pipeline.toml`.
"""

import sys

from stacks.app import main

if __name__ == "__main__":
    sys.exit(main())
