"""The history import: a listener's "Extended streaming history" export (uploaded under `imports/` of the raw bucket)
turned into raw-zone pages with a manifest of their own, which the transform, pipes and merges carry like a daily
run's (run.py). Its own Lambda function (handler.py), started by the upload's S3 event."""
