"""How the job uses Spark: the settings it sets itself, so that Glue and a laptop (and the tests) behave the same,
and how it keeps the intermediate results several steps read.

Glue creates its own session before the script runs, so every setting the job can change is applied to the running
session (`apply_session_settings`); the few Spark takes only at start-up reach Glue as the job's `--conf` parameter.
`build_session` starts a session with both for local runs and the tests.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the stacks read the settings without pyspark
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

_HADOOP_PREFIX = "spark.hadoop."
_LISTING_TASKS = "spark.sql.sources.parallelPartitionDiscovery.parallelism"
_MIN_READ_TASKS = "spark.sql.files.minPartitionNum"
_ADAPTIVE = "spark.sql.adaptive.enabled"
# gzip shrinks JSON pages about eightfold; a shuffle partition of ~128 MB parsed data keeps tasks short.
_GZIP_EXPANSION = 8
_BYTES_PER_SHUFFLE_PARTITION = 128 * 1024 * 1024
_MAX_SHUFFLE_PARTITIONS = 2000
# Below this much raw data (gzip), the job evaluates its expressions without compiling them. Compiling costs a fresh
# JVM its generated classes and the JIT's work on Spark's code generator (a third of a 200k-item run's CPU); it
# pays back only over many rows. Measured on 2 cores, fresh JVM: a daily run (~40 KB) 25 s -> 15 s; 10k items
# (2.9 MB) 22 s -> 16 s; 200k items (59 MB) 47-49 s -> 43-46 s: the margin shrinks with size, so a run of over
# 100 MB (about 350k items) compiles.
_COMPILED_FROM_BYTES = 100 * 1024 * 1024


def shuffle_partitions_for(raw_bytes: int) -> int:
    """Shuffle partitions sized to the data: one for a daily run, more at backfill scale."""
    wanted = math.ceil(raw_bytes * _GZIP_EXPANSION / _BYTES_PER_SHUFFLE_PARTITION)
    return min(max(wanted, 1), _MAX_SHUFFLE_PARTITIONS)


def interpreted_for(raw_bytes: int) -> bool:
    """Whether a run of `raw_bytes` of raw pages is small enough to evaluate its plans without compiling them."""
    return raw_bytes < _COMPILED_FROM_BYTES


def session_settings(shuffle_partitions: int, interpreted: bool = False) -> dict[str, str]:
    """The job's settings; each says why in a comment. `interpreted` (`interpreted_for`): no code generation."""
    return {
        # Spark's own switches: whole-stage code generation, and the compiled (or interpreted) expressions.
        "spark.sql.codegen.wholeStage": str(not interpreted).lower(),
        "spark.sql.codegen.factoryMode": "NO_CODEGEN" if interpreted else "FALLBACK",
        # Adaptive execution runs each shuffle of a query as a Spark job of its own, to re-plan from its real size:
        # worth it at scale (partitions coalesced, skew split, joins switched), not for a daily run's few thousand
        # rows, where it made 88 jobs of a run's 31 and a tenth of its time.
        _ADAPTIVE: str(not interpreted).lower(),
        # Timestamps are instants in UTC everywhere (the API's, the Parquet files', the warehouse's).
        "spark.sql.session.timeZone": "UTC",
        # Spark's default INT96 timestamps are deprecated in Parquet; Snowflake and DuckDB read micros.
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.shuffle.partitions": str(shuffle_partitions),
        # A retried run replaces its own partition and nothing else.
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        # No `_SUCCESS` marker: the processed bucket notifies a pipe per object, and a pipe loads only data.
        f"{_HADOOP_PREFIX}mapreduce.fileoutputcommitter.marksuccessfuljobs": "false",
    }


def start_settings() -> dict[str, str]:
    """Settings a session takes only when it starts: `build_session` locally, the job's `--conf` parameter in Glue
    (`glue_conf_argument`, set by stacks/transform.py)."""
    return {
        # PySpark 4 records the Python call site of every DataFrame and Column call for its error messages, at four
        # round trips to the JVM per call: 9 of the 14 s a daily run's model build took. A job's errors still name
        # the Spark operation that failed; they lose only the Python line.
        "spark.python.sql.dataFrameDebugging.enabled": "false",
        # A run compiles a few hundred distinct classes (a stage, a projection ...); with Spark's default cache of
        # 100, one run compiles many of them twice, and every run of a warm local worker compiles them all again.
        "spark.sql.codegen.cache.maxEntries": "1000",
    }


def glue_conf_argument() -> str:
    """`start_settings` as the value of a Glue job's `--conf` parameter (Glue passes it on to spark-submit)."""
    return " --conf ".join(f"{key}={value}" for key, value in start_settings().items())


def apply_session_settings(spark: SparkSession, shuffle_partitions: int, interpreted: bool = False) -> None:
    """Apply the job's settings to a running session (Glue's, or a test's)."""
    for key, value in session_settings(shuffle_partitions, interpreted).items():
        # A Hadoop option set on the session reaches every file the session writes.
        spark.conf.set(key.removeprefix(_HADOOP_PREFIX), value)
    # Spark lists the files a read names in a job of one task per file: a daily run's two reads of its 56 files made
    # 112 of its 253 tasks. A task per core lists as fast: the tasks wait on the file system in turns of one per core.
    cores = max(spark.sparkContext.defaultParallelism, 1)
    spark.conf.set(_LISTING_TASKS, str(cores))
    # Spark packs small files into read tasks of up to 128 MB, counting 4 MB to open each: 200k items' 72 page files
    # made 3 tasks on 2 cores, and the parse of the third ran alone. Two tasks per core keep every core busy.
    spark.conf.set(_MIN_READ_TASKS, str(2 * cores))


def build_session(
    app_name: str, shuffle_partitions: int, master: str | None = None, short_lived: bool = False
) -> SparkSession:
    """A session with the job's settings; with `master` (e.g. "local[2]") a quiet local one without UI.

    `short_lived` (tests, a local daily run) starts the JVM with its quick compiler tier only and interprets the
    plans (`interpreted_for`): a small run is mostly warm-up, and this halves its CPU time. Benchmarks leave it off,
    as Glue does. The job sets the interpretation per run from its input's size either way.
    """
    from pyspark.sql import SparkSession

    # A progress bar is noise in a job's log.
    builder = SparkSession.builder.appName(app_name).config("spark.ui.showConsoleProgress", "false")
    for key, value in {**start_settings(), **session_settings(shuffle_partitions, interpreted=short_lived)}.items():
        builder = builder.config(key, value)
    if master is not None:
        builder = (
            builder.master(master)
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
        )
        # Python workers (the job's one UDF) run this interpreter, which has the project installed; PySpark reads
        # the interpreter from the environment when the session starts.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if short_lived:
        builder = builder.config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
    spark = builder.getOrCreate()
    apply_session_settings(spark, shuffle_partitions, interpreted=short_lived)
    spark.sparkContext.setLogLevel("ERROR" if master is not None else "WARN")
    return spark


def driver_rows(spark: SparkSession, rows: Sequence[Sequence[Any]], schema: StructType) -> DataFrame:
    """`rows` (values in `schema`'s order, as Python types them) as a DataFrame of exactly `schema`, computed in the
    JVM alone.

    `createDataFrame` ships local rows through a Python worker: on a daily run, the read's table of files and the
    run-quality rows took about 0.6 s of worker CPU each run. Here the rows travel as one JSON literal, parsed with
    `schema` (so the plan holds one value however many rows), and take its nullability from it.
    """
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType

    text = json.dumps([dict(zip(schema.fieldNames(), row, strict=True)) for row in rows], default=_json_value)
    parsed = spark.range(1).select(F.inline(F.from_json(F.lit(text), ArrayType(schema))))
    # from_json makes every field nullable. PySpark has no call that gives a frame back its schema's nullability
    # without a Python round trip; the JVM's createDataFrame does, through py4j.
    jvm_schema = spark._jsparkSession.parseDataType(schema.json())
    return DataFrame(spark._jsparkSession.createDataFrame(parsed._jdf.javaRDD(), jvm_schema), spark)


def _json_value(value: object) -> str:
    """A date or an instant as JSON text Spark parses back exactly (microseconds and the offset kept)."""
    if isinstance(value, datetime.date):  # a datetime too
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} has no JSON form for driver_rows; add it to _json_value")


def small_side(frame: DataFrame) -> DataFrame:
    """`frame`, the small side of a join (a dimension's keys), hinted to be broadcast to the other side when adaptive
    execution is off. A run small enough to be interpreted runs without it (`session_settings`), and its materialized
    inputs carry no size Spark could plan from: each join sorted both sides (a 200k-item run's bridges, 394k and 227k
    candidates, each sorted twice). Such a run's dimensions hold a few MB of keys at most. With adaptive execution on,
    Spark broadcasts from the real size."""
    from pyspark.sql import functions as F

    return frame if frame.sparkSession.conf.get(_ADAPTIVE) == "true" else F.broadcast(frame)


def materialize(frame: DataFrame) -> DataFrame:
    """`frame` computed once and kept on the executors, its plan cut short.

    A result that several later queries read (the pages, the records, each classified table) is computed here once.
    Unlike `persist`, a local checkpoint also replaces the plan behind it, so every later query is planned from a
    short plan instead of the whole chain from the raw JSON (which made planning, not data, the cost of a daily
    run). The price: an executor lost mid-run takes its blocks along and fails the run, which a retry repeats
    safely since the job's output is idempotent.
    """
    return frame.localCheckpoint(eager=True)


def release(frame: DataFrame) -> None:
    """Free what `materialize` kept for `frame`, for a session that lives on (a warm local worker, the tests)."""
    # A local checkpoint is a persisted RDD behind the frame's plan; Python has no handle on it but through py4j.
    frame._jdf.queryExecution().analyzed().rdd().unpersist(False)
