"""Contracts between the pipeline's stages, each defined once and read by producer, consumer and tests.

- `raw_zone`: raw bucket layout and the page envelope (extract -> transform)
- `manifest`: the run manifest that starts a transform (extract -> transform)
- `processed_zone`: processed bucket layout, quarantine and run report (transform -> warehouse)
- `model`: the analytic model's tables, columns and keys (transform -> warehouse -> Power BI)
- `events`: the event patterns and notification filters that connect the stages (stacks and local runtime)
- `operator_secrets`: the secrets an operator sets (a JSON object each) and the one reader of them (extract, applier)

Standard library only (operator_secrets imports boto3 when it reads, which every AWS runtime has): this package
ships inside both Lambda bundles (the extraction, the applier) and the Glue job.
"""
