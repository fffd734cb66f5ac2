-- Jobs: one row per (job_type, internal_id). Timestamps are Unix milliseconds.
CREATE TABLE jobs (
  id                    TEXT    PRIMARY KEY,
  job_type              TEXT    NOT NULL,
  internal_id           BIGINT NOT NULL CHECK (internal_id >= 0),
  status                TEXT    NOT NULL,
  external_id           TEXT    NOT NULL,  -- JSON: a string or an integer
  metadata              JSONB   NOT NULL,  -- JSON: {"common": ..., "specific": ...}
  version               BIGINT NOT NULL,
  orchestrator_version  TEXT    NOT NULL,
  lease_owner           TEXT,
  lease_expires_at      BIGINT,
  lease_previous_status TEXT,
  created_at            BIGINT NOT NULL,
  updated_at            BIGINT NOT NULL,
  UNIQUE (job_type, internal_id)
);
CREATE INDEX jobs_type_status_internal_id ON jobs (job_type, status, internal_id);
CREATE INDEX jobs_status ON jobs (status);
CREATE INDEX jobs_internal_id ON jobs (internal_id);
CREATE INDEX jobs_lease_expires_at ON jobs (lease_expires_at) WHERE lease_expires_at IS NOT NULL;

-- Batches (used once batching arrives): as the reference's snos_batches / aggregator_batches.
CREATE TABLE snos_batches (
  id                     TEXT    PRIMARY KEY,
  batch_index            BIGINT NOT NULL UNIQUE,
  aggregator_batch_index BIGINT,
  start_block            BIGINT NOT NULL UNIQUE,
  end_block              BIGINT NOT NULL UNIQUE,
  num_blocks             BIGINT NOT NULL,
  builtin_weights        TEXT    NOT NULL DEFAULT '{}',
  starknet_version       TEXT    NOT NULL,
  orchestrator_version   TEXT    NOT NULL,
  status                 TEXT    NOT NULL,
  created_at             BIGINT NOT NULL,
  updated_at             BIGINT NOT NULL
);
CREATE INDEX snos_batches_status ON snos_batches (status);
CREATE INDEX snos_batches_aggregator_batch_index ON snos_batches (aggregator_batch_index);

CREATE TABLE aggregator_batches (
  id                                TEXT    PRIMARY KEY,
  batch_index                       BIGINT NOT NULL UNIQUE,
  bucket_id                         TEXT,
  squashed_state_updates_path       TEXT,
  blob_path                         TEXT,
  start_block                       BIGINT NOT NULL UNIQUE,
  end_block                         BIGINT NOT NULL UNIQUE,
  num_blocks                        BIGINT NOT NULL,
  blob_len                          BIGINT NOT NULL DEFAULT 0,
  aggregator_input_size_upper_bound BIGINT NOT NULL DEFAULT 750000,
  builtin_weights                   TEXT    NOT NULL DEFAULT '{}',
  starknet_version                  TEXT    NOT NULL,
  orchestrator_version              TEXT    NOT NULL,
  status                            TEXT    NOT NULL,
  created_at                        BIGINT NOT NULL,
  updated_at                        BIGINT NOT NULL
);
CREATE INDEX aggregator_batches_status ON aggregator_batches (status);

CREATE TABLE block_batch_lookups (
  block_number           BIGINT PRIMARY KEY,
  snos_batch_index       BIGINT,
  aggregator_batch_index BIGINT,
  updated_at             BIGINT NOT NULL
);

-- Named locks with an owner and an expiry; an expired lock may be taken over.
CREATE TABLE locks (
  lock_key   TEXT    PRIMARY KEY,
  owner      TEXT    NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Queues with SQS semantics.
CREATE TABLE queues (
  name                  TEXT    PRIMARY KEY,
  visibility_timeout_ms BIGINT NOT NULL,
  dead_letter_queue     TEXT,
  max_receive_count     BIGINT NOT NULL
);

CREATE TABLE queue_messages (
  id            BIGSERIAL PRIMARY KEY,
  queue         TEXT    NOT NULL,
  body          TEXT    NOT NULL,
  visible_at    BIGINT NOT NULL,
  receive_count BIGINT NOT NULL DEFAULT 0,
  sent_at       BIGINT NOT NULL
);
CREATE INDEX queue_messages_queue_visible_at ON queue_messages (queue, visible_at, id);
