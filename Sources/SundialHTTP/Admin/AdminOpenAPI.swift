import Foundation
import Hummingbird

/// The OpenAPI 3.1 description of the admin API, written by hand and served at
/// `/admin/v1/openapi.json`. It is the contract: a test checks that every operation the router
/// serves is in it and every operation in it is served, and validates answers against its
/// schemas. Edit it together with ``AdminRoutes/operations``.
enum AdminOpenAPI {
    static let document = #"""
{
 "components": {
  "responses": {
   "Error": {
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    },
    "description": "A refusal. Every route can answer 400 (a Content-Length that is not a number) and 413 (a body over the server's cap, SUNDIAL_HTTP_MAX_BODY_BYTES), besides its own refusals. Every route that reads the database can answer 503 `query_timeout` (with Retry-After) when its statement ran past the admin statement timeout (SUNDIAL_ADMIN_STATEMENT_TIMEOUT_MS, 5 s unless set)."
   }
  },
  "schemas": {
   "ActionResult": {
    "properties": {
     "action": {
      "type": "string"
     },
     "delivery": {
      "enum": [
       "accepted",
       "duplicate"
      ],
      "type": "string"
     },
     "outcome": {
      "enum": [
       "ok"
      ],
      "type": "string"
     },
     "status": {
      "$ref": "#/components/schemas/Status"
     },
     "workflow_id": {
      "format": "uuid",
      "type": "string"
     }
    },
    "required": [
     "workflow_id",
     "action",
     "outcome",
     "status"
    ],
    "type": "object"
   },
   "AuditList": {
    "properties": {
     "entries": {
      "items": {
       "properties": {
        "action": {
         "type": "string"
        },
        "actor": {
         "type": "string"
        },
        "at": {
         "format": "date-time",
         "type": "string"
        },
        "detail": {
         "type": [
          "string",
          "null"
         ]
        },
        "id": {
         "type": "integer"
        },
        "outcome": {
         "enum": [
          "ok",
          "refused"
         ],
         "type": "string"
        },
        "reason": {
         "type": [
          "string",
          "null"
         ]
        },
        "target": {
         "type": "string"
        }
       },
       "required": [
        "id",
        "at",
        "actor",
        "action",
        "target",
        "outcome"
       ],
       "type": "object"
      },
      "type": "array"
     },
     "next_cursor": {
      "type": [
       "string",
       "null"
      ]
     }
    },
    "required": [
     "entries",
     "next_cursor"
    ],
    "type": "object"
   },
   "BatchExceptionReport": {
    "properties": {
     "business_date": {
      "format": "date",
      "type": "string"
     },
     "exceptions": {
      "items": {
       "$ref": "#/components/schemas/ReconciliationException"
      },
      "type": "array"
     },
     "file_name": {
      "type": "string"
     },
     "job": {
      "type": "string"
     },
     "matched": {
      "type": "integer"
     },
     "orders": {
      "type": "integer"
     },
     "run_number": {
      "type": "integer"
     },
     "workflow_id": {
      "format": "uuid",
      "type": "string"
     }
    },
    "required": [
     "job",
     "workflow_id",
     "business_date",
     "run_number",
     "file_name",
     "orders",
     "matched",
     "exceptions"
    ],
    "type": "object"
   },
   "BatchRerunBody": {
    "additionalProperties": false,
    "properties": {
     "date": {
      "description": "Business date YYYY-MM-DD (store time)",
      "format": "date",
      "type": "string"
     },
     "reason": {
      "maxLength": 500,
      "minLength": 1,
      "type": "string"
     }
    },
    "required": [
     "date",
     "reason"
    ],
    "type": "object"
   },
   "BatchRerunResult": {
    "properties": {
     "action": {
      "type": "string"
     },
     "business_date": {
      "format": "date",
      "type": "string"
     },
     "file_name": {
      "type": "string"
     },
     "job": {
      "type": "string"
     },
     "outcome": {
      "type": "string"
     },
     "previous_run_ids": {
      "items": {
       "format": "uuid",
       "type": "string"
      },
      "type": "array"
     },
     "run_number": {
      "type": "integer"
     },
     "status": {
      "$ref": "#/components/schemas/Status"
     },
     "workflow_id": {
      "format": "uuid",
      "type": "string"
     }
    },
    "required": [
     "job",
     "action",
     "outcome",
     "business_date",
     "run_number",
     "workflow_id",
     "previous_run_ids",
     "file_name",
     "status"
    ],
    "type": "object"
   },
   "BatchRun": {
    "properties": {
     "actor": {
      "type": [
       "string",
       "null"
      ]
     },
     "business_date": {
      "format": "date",
      "type": "string"
     },
     "exceptions": {
      "type": [
       "integer",
       "null"
      ]
     },
     "file_name": {
      "type": [
       "string",
       "null"
      ]
     },
     "finished_at": {
      "format": "date-time",
      "type": [
       "string",
       "null"
      ]
     },
     "invoices_created": {
      "type": [
       "integer",
       "null"
      ]
     },
     "job": {
      "type": "string"
     },
     "last_error": {
      "type": [
       "string",
       "null"
      ]
     },
     "previous_run_ids": {
      "items": {
       "format": "uuid",
       "type": "string"
      },
      "type": "array"
     },
     "reason": {
      "type": [
       "string",
       "null"
      ]
     },
     "run_number": {
      "type": "integer"
     },
     "started_at": {
      "format": "date-time",
      "type": "string"
     },
     "state": {
      "type": "string"
     },
     "status": {
      "$ref": "#/components/schemas/Status"
     },
     "workflow_id": {
      "format": "uuid",
      "type": "string"
     }
    },
    "required": [
     "workflow_id",
     "job",
     "business_date",
     "run_number",
     "status",
     "state",
     "previous_run_ids",
     "started_at"
    ],
    "type": "object"
   },
   "BatchRunList": {
    "properties": {
     "date": {
      "format": "date",
      "type": [
       "string",
       "null"
      ]
     },
     "job": {
      "type": "string"
     },
     "next_cursor": {
      "description": "The cursor of the next page; null on the last.",
      "type": [
       "string",
       "null"
      ]
     },
     "runs": {
      "items": {
       "$ref": "#/components/schemas/BatchRun"
      },
      "type": "array"
     }
    },
    "required": [
     "job",
     "date",
     "runs",
     "next_cursor"
    ],
    "type": "object"
   },
   "EmptyBody": {
    "additionalProperties": false,
    "type": "object"
   },
   "Error": {
    "properties": {
     "error": {
      "properties": {
       "code": {
        "type": "string"
       },
       "fields": {
        "additionalProperties": {
         "type": "string"
        },
        "type": "object"
       },
       "message": {
        "type": "string"
       },
       "reason": {
        "type": "string"
       }
      },
      "required": [
       "code",
       "message"
      ],
      "type": "object"
     }
    },
    "required": [
     "error"
    ],
    "type": "object"
   },
   "Explanation": {
    "properties": {
     "action": {
      "type": "string"
     },
     "attempt": {
      "type": "integer"
     },
     "error": {
      "type": "string"
     },
     "max_attempts": {
      "type": "integer"
     },
     "message": {
      "type": "string"
     },
     "reason": {
      "enum": [
       "finished",
       "leased",
       "paused_type",
       "not_deployed",
       "waiting_for_capacity",
       "backing_off",
       "sleeping",
       "awaiting_signal",
       "parked_for_operator",
       "failed",
       "due"
      ],
      "type": "string"
     },
     "signal": {
      "type": "string"
     },
     "since": {
      "format": "date-time",
      "type": "string"
     },
     "state": {
      "type": "string"
     },
     "status": {
      "$ref": "#/components/schemas/Status"
     },
     "until": {
      "format": "date-time",
      "type": "string"
     },
     "worker": {
      "type": "string"
     },
     "workflow_id": {
      "format": "uuid",
      "type": "string"
     }
    },
    "required": [
     "reason",
     "message"
    ],
    "type": "object"
   },
   "HistoryEntry": {
    "properties": {
     "attempt": {
      "type": "integer"
     },
     "created_at": {
      "format": "date-time",
      "type": "string"
     },
     "duration_milliseconds": {
      "type": [
       "number",
       "null"
      ]
     },
     "error": {
      "type": [
       "string",
       "null"
      ]
     },
     "event": {
      "type": "string"
     },
     "from_state": {
      "type": [
       "string",
       "null"
      ]
     },
     "id": {
      "type": "integer"
     },
     "to_state": {
      "type": [
       "string",
       "null"
      ]
     },
     "visit": {
      "type": "integer"
     },
     "worker_id": {
      "type": [
       "string",
       "null"
      ]
     }
    },
    "required": [
     "id",
     "visit",
     "event",
     "attempt",
     "created_at"
    ],
    "type": "object"
   },
   "HistoryPage": {
    "properties": {
     "history": {
      "items": {
       "$ref": "#/components/schemas/HistoryEntry"
      },
      "type": "array"
     },
     "next_cursor": {
      "description": "The cursor of the next page; null on the last.",
      "type": [
       "string",
       "null"
      ]
     },
     "workflow_id": {
      "format": "uuid",
      "type": "string"
     }
    },
    "required": [
     "workflow_id",
     "history",
     "next_cursor"
    ],
    "type": "object"
   },
   "OutboxList": {
    "properties": {
     "messages": {
      "items": {
       "properties": {
        "attempts": {
         "type": "integer"
        },
        "dedupe_key": {
         "type": "string"
        },
        "id": {
         "type": "integer"
        },
        "payload": {},
        "status": {
         "type": "string"
        },
        "topic": {
         "type": "string"
        },
        "workflow_id": {
         "format": "uuid",
         "type": "string"
        }
       },
       "required": [
        "id",
        "workflow_id",
        "topic",
        "dedupe_key",
        "payload",
        "status",
        "attempts"
       ],
       "type": "object"
      },
      "type": "array"
     },
     "next_cursor": {
      "description": "The cursor of the next page; null on the last.",
      "type": [
       "string",
       "null"
      ]
     }
    },
    "required": [
     "messages",
     "next_cursor"
    ],
    "type": "object"
   },
   "PendingSignal": {
    "properties": {
     "name": {
      "type": "string"
     },
     "payload": {},
     "received_at": {
      "format": "date-time",
      "type": "string"
     },
     "signal_id": {
      "type": "string"
     }
    },
    "required": [
     "signal_id",
     "name",
     "payload",
     "received_at"
    ],
    "type": "object"
   },
   "PendingSignalPage": {
    "properties": {
     "next_cursor": {
      "description": "The cursor of the next page; null on the last.",
      "type": [
       "string",
       "null"
      ]
     },
     "pending_signals": {
      "items": {
       "$ref": "#/components/schemas/PendingSignal"
      },
      "type": "array"
     },
     "workflow_id": {
      "format": "uuid",
      "type": "string"
     }
    },
    "required": [
     "workflow_id",
     "pending_signals",
     "next_cursor"
    ],
    "type": "object"
   },
   "ReasonBody": {
    "additionalProperties": false,
    "properties": {
     "reason": {
      "maxLength": 500,
      "minLength": 1,
      "type": "string"
     }
    },
    "type": "object"
   },
   "ReconciliationException": {
    "properties": {
     "captured": {
      "description": "Exact decimal amount as a string (\"12.50\")",
      "type": [
       "string",
       "null"
      ]
     },
     "detail": {
      "type": "string"
     },
     "invoice_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "invoiced": {
      "description": "Exact decimal amount as a string (\"12.50\")",
      "type": [
       "string",
       "null"
      ]
     },
     "order_id": {
      "type": "string"
     },
     "order_workflow_id": {
      "format": "uuid",
      "type": "string"
     },
     "reason": {
      "enum": [
       "missing_invoice",
       "amount_mismatch",
       "missing_payment",
       "unreadable_outcome"
      ],
      "type": "string"
     }
    },
    "required": [
     "order_id",
     "order_workflow_id",
     "reason",
     "detail"
    ],
    "type": "object"
   },
   "ReplayResult": {
    "properties": {
     "action": {
      "type": "string"
     },
     "id": {
      "type": "integer"
     },
     "outcome": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "action",
     "outcome"
    ],
    "type": "object"
   },
   "RequiredReasonBody": {
    "additionalProperties": false,
    "properties": {
     "reason": {
      "maxLength": 500,
      "minLength": 1,
      "type": "string"
     }
    },
    "required": [
     "reason"
    ],
    "type": "object"
   },
   "RerunBody": {
    "additionalProperties": false,
    "properties": {
     "reason": {
      "maxLength": 500,
      "minLength": 1,
      "type": "string"
     },
     "state": {
      "maxLength": 500,
      "minLength": 1,
      "type": "string"
     }
    },
    "required": [
     "state",
     "reason"
    ],
    "type": "object"
   },
   "RerunResult": {
    "properties": {
     "action": {
      "type": "string"
     },
     "business_key": {
      "type": "string"
     },
     "new_workflow_id": {
      "format": "uuid",
      "type": "string"
     },
     "outcome": {
      "type": "string"
     },
     "state": {
      "type": "string"
     },
     "status": {
      "$ref": "#/components/schemas/Status"
     },
     "workflow_id": {
      "format": "uuid",
      "type": "string"
     }
    },
    "required": [
     "workflow_id",
     "action",
     "outcome",
     "new_workflow_id",
     "business_key",
     "state",
     "status"
    ],
    "type": "object"
   },
   "ScheduleList": {
    "properties": {
     "next_cursor": {
      "description": "The cursor of the next page; null on the last.",
      "type": [
       "string",
       "null"
      ]
     },
     "schedules": {
      "items": {
       "properties": {
        "cron": {
         "type": "string"
        },
        "enabled": {
         "type": "boolean"
        },
        "last_fired_at": {
         "format": "date-time",
         "type": [
          "string",
          "null"
         ]
        },
        "last_slot": {
         "format": "date-time",
         "type": [
          "string",
          "null"
         ]
        },
        "misfire": {
         "type": "string"
        },
        "name": {
         "type": "string"
        },
        "next_fire_at": {
         "format": "date-time",
         "type": [
          "string",
          "null"
         ]
        },
        "time_zone": {
         "type": "string"
        },
        "workflow_type": {
         "type": "string"
        }
       },
       "required": [
        "name",
        "workflow_type",
        "cron",
        "time_zone",
        "misfire",
        "enabled"
       ],
       "type": "object"
      },
      "type": "array"
     }
    },
    "required": [
     "schedules",
     "next_cursor"
    ],
    "type": "object"
   },
   "ScheduleResult": {
    "properties": {
     "action": {
      "type": "string"
     },
     "outcome": {
      "type": "string"
     },
     "schedule": {
      "type": "string"
     },
     "workflow_id": {
      "format": "uuid",
      "type": "string"
     }
    },
    "required": [
     "schedule",
     "action",
     "outcome"
    ],
    "type": "object"
   },
   "SignalBody": {
    "additionalProperties": false,
    "properties": {
     "name": {
      "maxLength": 200,
      "minLength": 1,
      "type": "string"
     },
     "payload": {},
     "signal_id": {
      "maxLength": 200,
      "minLength": 1,
      "type": "string"
     }
    },
    "required": [
     "name",
     "signal_id"
    ],
    "type": "object"
   },
   "Status": {
    "enum": [
     "runnable",
     "sleeping",
     "waiting",
     "compensating",
     "completed",
     "failed",
     "compensated",
     "compensation_failed",
     "cancelled"
    ],
    "type": "string"
   },
   "TypeList": {
    "properties": {
     "types": {
      "items": {
       "properties": {
        "deployed_versions": {
         "items": {
          "type": "integer"
         },
         "type": "array"
        },
        "paused": {
         "type": "boolean"
        },
        "paused_at": {
         "format": "date-time",
         "type": "string"
        },
        "paused_by": {
         "type": "string"
        },
        "reason": {
         "type": [
          "string",
          "null"
         ]
        },
        "type": {
         "type": "string"
        },
        "versions": {
         "items": {
          "type": "integer"
         },
         "type": "array"
        }
       },
       "required": [
        "type",
        "versions",
        "deployed_versions",
        "paused"
       ],
       "type": "object"
      },
      "type": "array"
     }
    },
    "required": [
     "types"
    ],
    "type": "object"
   },
   "TypeResult": {
    "properties": {
     "action": {
      "type": "string"
     },
     "outcome": {
      "type": "string"
     },
     "paused": {
      "type": "boolean"
     },
     "type": {
      "type": "string"
     }
    },
    "required": [
     "type",
     "action",
     "outcome",
     "paused"
    ],
    "type": "object"
   },
   "WorkerList": {
    "properties": {
     "next_cursor": {
      "description": "The cursor of the next page; null on the last.",
      "type": [
       "string",
       "null"
      ]
     },
     "workers": {
      "items": {
       "properties": {
        "concurrency": {
         "type": "integer"
        },
        "definitions": {
         "items": {
          "type": "string"
         },
         "type": "array"
        },
        "heartbeat_at": {
         "format": "date-time",
         "type": "string"
        },
        "host": {
         "type": "string"
        },
        "id": {
         "type": "string"
        },
        "live": {
         "type": "boolean"
        },
        "pid": {
         "type": "integer"
        },
        "started_at": {
         "format": "date-time",
         "type": "string"
        }
       },
       "required": [
        "id",
        "host",
        "pid",
        "concurrency",
        "definitions",
        "started_at",
        "heartbeat_at",
        "live"
       ],
       "type": "object"
      },
      "type": "array"
     }
    },
    "required": [
     "workers",
     "next_cursor"
    ],
    "type": "object"
   },
   "Workflow": {
    "properties": {
     "attempt": {
      "type": "integer"
     },
     "business_key": {
      "type": "string"
     },
     "cancel_requested": {
      "type": "boolean"
     },
     "compensations": {
      "type": "array"
     },
     "context": {},
     "created_at": {
      "format": "date-time",
      "type": "string"
     },
     "fencing_token": {
      "type": "integer"
     },
     "finished_at": {
      "format": "date-time",
      "type": [
       "string",
       "null"
      ]
     },
     "id": {
      "format": "uuid",
      "type": "string"
     },
     "input": {},
     "last_error": {
      "type": [
       "string",
       "null"
      ]
     },
     "lease_owner": {
      "type": [
       "string",
       "null"
      ]
     },
     "output": {},
     "parent_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "rerun_of": {
      "type": [
       "string",
       "null"
      ]
     },
     "run_at": {
      "format": "date-time",
      "type": [
       "string",
       "null"
      ]
     },
     "state": {
      "type": "string"
     },
     "status": {
      "$ref": "#/components/schemas/Status"
     },
     "type": {
      "type": "string"
     },
     "updated_at": {
      "format": "date-time",
      "type": "string"
     },
     "version": {
      "type": "integer"
     },
     "visit": {
      "type": "integer"
     },
     "wait_deadline": {
      "format": "date-time",
      "type": [
       "string",
       "null"
      ]
     },
     "wait_signal": {
      "type": [
       "string",
       "null"
      ]
     }
    },
    "required": [
     "id",
     "type",
     "version",
     "business_key",
     "state",
     "status",
     "input",
     "context",
     "compensations",
     "visit",
     "attempt",
     "fencing_token",
     "cancel_requested",
     "created_at",
     "updated_at"
    ],
    "type": "object"
   },
   "WorkflowDetail": {
    "properties": {
     "explanation": {
      "required": [
       "reason",
       "message"
      ],
      "type": "object"
     },
     "history": {
      "description": "The first 100 entries, oldest first.",
      "items": {
       "$ref": "#/components/schemas/HistoryEntry"
      },
      "type": "array"
     },
     "history_next_cursor": {
      "description": "Cursor of the history's next page (GET .../history); null when all is shown.",
      "type": [
       "string",
       "null"
      ]
     },
     "pending_signals": {
      "description": "The oldest 100 pending signals.",
      "items": {
       "$ref": "#/components/schemas/PendingSignal"
      },
      "type": "array"
     },
     "pending_signals_next_cursor": {
      "description": "Cursor of the pending signals' next page (GET .../signals); null when all is shown.",
      "type": [
       "string",
       "null"
      ]
     },
     "workflow": {
      "$ref": "#/components/schemas/Workflow"
     }
    },
    "required": [
     "workflow",
     "history",
     "history_next_cursor",
     "pending_signals",
     "pending_signals_next_cursor",
     "explanation"
    ],
    "type": "object"
   },
   "WorkflowList": {
    "properties": {
     "next_cursor": {
      "type": [
       "string",
       "null"
      ]
     },
     "workflows": {
      "items": {
       "$ref": "#/components/schemas/WorkflowRow"
      },
      "type": "array"
     }
    },
    "required": [
     "workflows",
     "next_cursor"
    ],
    "type": "object"
   },
   "WorkflowRow": {
    "properties": {
     "attempt": {
      "type": "integer"
     },
     "business_key": {
      "type": "string"
     },
     "created_at": {
      "format": "date-time",
      "type": "string"
     },
     "id": {
      "format": "uuid",
      "type": "string"
     },
     "last_error": {
      "type": [
       "string",
       "null"
      ]
     },
     "run_at": {
      "format": "date-time",
      "type": [
       "string",
       "null"
      ]
     },
     "state": {
      "type": "string"
     },
     "status": {
      "$ref": "#/components/schemas/Status"
     },
     "type": {
      "type": "string"
     },
     "updated_at": {
      "format": "date-time",
      "type": "string"
     },
     "version": {
      "type": "integer"
     }
    },
    "required": [
     "id",
     "type",
     "version",
     "business_key",
     "state",
     "status",
     "attempt",
     "created_at",
     "updated_at"
    ],
    "type": "object"
   }
  },
  "securitySchemes": {
   "adminToken": {
    "description": "sdl_... token from sundial tokens create",
    "scheme": "bearer",
    "type": "http"
   }
  }
 },
 "info": {
  "description": "Operators' API of Sundial: workflows, types, workers, schedules, outbox, audit and batch runs. Bearer admin tokens (sundial tokens create) with roles viewer (reads), operator (reads; resume, retry, cancel, signal, rerun workflows), finance (reads; batch reruns), admin (everything). 401 without a live token, 403 for a role that may not. Every refusal is {\"error\": {\"code\", \"message\", ...}}.",
  "title": "Sundial admin API",
  "version": "1.0.0"
 },
 "openapi": "3.1.0",
 "paths": {
  "/admin/v1/audit": {
   "get": {
    "description": "Audit entries newest first: every mutating admin call (API and CLI), done or refused. Roles: viewer, operator, finance, admin.",
    "operationId": "listAudit",
    "parameters": [
     {
      "description": "Token name or cli:<user> (index audit_log_by_actor)",
      "in": "query",
      "name": "actor",
      "required": false,
      "schema": {
       "maxLength": 200,
       "minLength": 1,
       "type": "string"
      }
     },
     {
      "description": "e.g. workflow.cancel (index audit_log_by_action)",
      "in": "query",
      "name": "action",
      "required": false,
      "schema": {
       "maxLength": 200,
       "minLength": 1,
       "type": "string"
      }
     },
     {
      "description": "e.g. workflow:<id> (index audit_log_by_target)",
      "in": "query",
      "name": "target",
      "required": false,
      "schema": {
       "maxLength": 200,
       "minLength": 1,
       "type": "string"
      }
     },
     {
      "description": "next_cursor of the previous page",
      "in": "query",
      "name": "cursor",
      "required": false,
      "schema": {
       "maxLength": 1100,
       "minLength": 1,
       "type": "string"
      }
     },
     {
      "description": "1 to 500, default 50",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "maximum": 500,
       "minimum": 1,
       "type": "integer"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AuditList"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Audit entries newest first: every mutating admin call (API and CLI), done or refused."
   }
  },
  "/admin/v1/batches/{job}/rerun": {
   "post": {
    "description": "Finance rerun of one business date: starts run n+1 (linked to the earlier runs; creates only missing invoices), like sundial batches rerun. Reason and date required. Audited as batch.rerun on batch:<job>. 404 unknown job, 409 run_in_progress while a run of the date is still in progress, 422 for a bad date or missing reason. Roles: finance, admin.",
    "operationId": "rerunBatch",
    "parameters": [
     {
      "description": "Batch job (quickbooks-daily); 404 for another",
      "in": "path",
      "name": "job",
      "required": true,
      "schema": {
       "enum": [
        "quickbooks-daily"
       ],
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/BatchRerunBody"
       }
      }
     },
     "required": true
    },
    "responses": {
     "202": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchRerunResult"
        }
       }
      },
      "description": "The new run, accepted"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Finance rerun of one business date: starts run n+1 (linked to the earlier runs; creates only missing invoices), like sundial batches rerun. Reason and date required. Audited as batch.rerun on batch:<job>. 404 unknown job, 409 run_in_progress while a run of the date is still in progress, 422 for a bad date or missing reason."
   }
  },
  "/admin/v1/batches/{job}/runs": {
   "get": {
    "description": "Runs of a batch job with run number, business date, status, reason, actor, file name, invoices created, exception count and workflow id: the runs of ?date=YYYY-MM-DD oldest first, else the newest runs of every date, limit (default 50) a page. 400 for a bad date or unknown parameter, 404 for an unknown job. Keyset-paginated (index workflows_by_business_date): with date oldest first by (created_at, id), without it newest business date first. Roles: viewer, operator, finance, admin.",
    "operationId": "listBatchRuns",
    "parameters": [
     {
      "description": "Batch job (quickbooks-daily); 404 for another",
      "in": "path",
      "name": "job",
      "required": true,
      "schema": {
       "enum": [
        "quickbooks-daily"
       ],
       "type": "string"
      }
     },
     {
      "description": "Business date YYYY-MM-DD (store time)",
      "in": "query",
      "name": "date",
      "required": false,
      "schema": {
       "format": "date",
       "type": "string"
      }
     },
     {
      "description": "1 to 1000, default 50",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "maximum": 1000,
       "minimum": 1,
       "type": "integer"
      }
     },
     {
      "description": "next_cursor of the previous page",
      "in": "query",
      "name": "cursor",
      "required": false,
      "schema": {
       "maxLength": 1100,
       "minLength": 1,
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchRunList"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Runs of a batch job with run number, business date, status, reason, actor, file name, invoices created, exception count and workflow id: every run of ?date=YYYY-MM-DD oldest first, else the newest runs of every date (limit, default 50). 400 for a bad date or unknown parameter, 404 for an unknown job."
   }
  },
  "/admin/v1/batches/{job}/runs/{workflow_id}/exceptions": {
   "get": {
    "description": "A completed run's reconciliation exception report: JSON, or with Accept: text/csv or ?format=csv an RFC 4180 CSV download (Content-Disposition: attachment). 404 for an unknown run or job, 409 run_not_finished while the run has no report. Roles: viewer, operator, finance, admin.",
    "operationId": "getBatchRunExceptions",
    "parameters": [
     {
      "description": "Batch job (quickbooks-daily); 404 for another",
      "in": "path",
      "name": "job",
      "required": true,
      "schema": {
       "enum": [
        "quickbooks-daily"
       ],
       "type": "string"
      }
     },
     {
      "in": "path",
      "name": "workflow_id",
      "required": true,
      "schema": {
       "format": "uuid",
       "type": "string"
      }
     },
     {
      "description": "json (default) or csv",
      "in": "query",
      "name": "format",
      "required": false,
      "schema": {
       "enum": [
        "json",
        "csv"
       ],
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/BatchExceptionReport"
        }
       },
       "text/csv": {
        "schema": {
         "description": "Header order_id,order_workflow_id,reason,detail,captured,invoiced,invoice_id; CRLF records",
         "type": "string"
        }
       }
      },
      "description": "OK",
      "headers": {
       "Content-Disposition": {
        "description": "attachment; filename=\"<job>-<date>-run<n>-exceptions.csv\" (CSV only)",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "A completed run's reconciliation exception report: JSON, or with Accept: text/csv or ?format=csv an RFC 4180 CSV download (Content-Disposition: attachment). 404 for an unknown run or job, 409 run_not_finished while the run has no report."
   }
  },
  "/admin/v1/openapi.json": {
   "get": {
    "description": "This document. Roles: anyone (no token).",
    "operationId": "getOpenAPI",
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      },
      "description": "The OpenAPI 3.1 document"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [],
    "summary": "This document."
   }
  },
  "/admin/v1/outbox/parked": {
   "get": {
    "description": "Parked outbox deliveries, oldest first, keyset-paginated by id (index outbox_parked). Roles: viewer, operator, finance, admin.",
    "operationId": "listParkedOutbox",
    "parameters": [
     {
      "description": "1 to 500, default 100",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "maximum": 500,
       "minimum": 1,
       "type": "integer"
      }
     },
     {
      "description": "next_cursor of the previous page",
      "in": "query",
      "name": "cursor",
      "required": false,
      "schema": {
       "maxLength": 1100,
       "minLength": 1,
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/OutboxList"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Parked outbox deliveries, oldest first."
   }
  },
  "/admin/v1/outbox/{id}/replay": {
   "post": {
    "description": "Put a parked message back in line. 409 when no parked message has the id. Roles: admin.",
    "operationId": "replayOutbox",
    "parameters": [
     {
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "format": "int64",
       "maximum": 9223372036854775807,
       "minimum": 1,
       "type": "integer"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/EmptyBody"
       }
      }
     },
     "required": false
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ReplayResult"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Put a parked message back in line. 409 when no parked message has the id."
   }
  },
  "/admin/v1/schedules": {
   "get": {
    "description": "Schedules by name with their next fire time, keyset-paginated by name (primary key). Roles: viewer, operator, finance, admin.",
    "operationId": "listSchedules",
    "parameters": [
     {
      "description": "1 to 500, default 100",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "maximum": 500,
       "minimum": 1,
       "type": "integer"
      }
     },
     {
      "description": "next_cursor of the previous page",
      "in": "query",
      "name": "cursor",
      "required": false,
      "schema": {
       "maxLength": 1100,
       "minLength": 1,
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ScheduleList"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Schedules with their next fire times."
   }
  },
  "/admin/v1/schedules/{name}/pause": {
   "post": {
    "description": "Pause a schedule. 409 when already paused. Roles: admin.",
    "operationId": "pauseSchedule",
    "parameters": [
     {
      "in": "path",
      "name": "name",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/EmptyBody"
       }
      }
     },
     "required": false
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ScheduleResult"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Pause a schedule. 409 when already paused."
   }
  },
  "/admin/v1/schedules/{name}/resume": {
   "post": {
    "description": "Resume a paused schedule (missed slots skipped). 409 when not paused. Roles: admin.",
    "operationId": "resumeSchedule",
    "parameters": [
     {
      "in": "path",
      "name": "name",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/EmptyBody"
       }
      }
     },
     "required": false
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ScheduleResult"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Resume a paused schedule (missed slots skipped). 409 when not paused."
   }
  },
  "/admin/v1/schedules/{name}/trigger": {
   "post": {
    "description": "Start the schedule's workflow now. 409 when not declared in this build. Roles: admin.",
    "operationId": "triggerSchedule",
    "parameters": [
     {
      "in": "path",
      "name": "name",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/EmptyBody"
       }
      }
     },
     "required": false
    },
    "responses": {
     "201": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ScheduleResult"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Start the schedule's workflow now. 409 when not declared in this build."
   }
  },
  "/admin/v1/types": {
   "get": {
    "description": "Workflow types known to this server or a live worker, with versions and pause state. Roles: viewer, operator, finance, admin.",
    "operationId": "listTypes",
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TypeList"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Workflow types known to this server or a live worker, with versions and pause state."
   }
  },
  "/admin/v1/types/{type}/pause": {
   "post": {
    "description": "Pause a type: workers stop claiming it at their next heartbeat; running steps finish. 404 for a type neither registered here, run by a live worker nor paused; 409 when already paused. Roles: admin.",
    "operationId": "pauseType",
    "parameters": [
     {
      "in": "path",
      "name": "type",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ReasonBody"
       }
      }
     },
     "required": false
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TypeResult"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Pause a type: workers stop claiming it at their next heartbeat; running steps finish. 409 when already paused."
   }
  },
  "/admin/v1/types/{type}/resume": {
   "post": {
    "description": "Resume a paused type. 404 for a type neither registered here, run by a live worker nor paused; 409 when not paused. Roles: admin.",
    "operationId": "resumeType",
    "parameters": [
     {
      "in": "path",
      "name": "type",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ReasonBody"
       }
      }
     },
     "required": false
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TypeResult"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Resume a paused type. 409 when not paused."
   }
  },
  "/admin/v1/workers": {
   "get": {
    "description": "Workers that have not stopped, by id, with live for a heartbeat in the last minute; keyset-paginated by id (index workers_not_stopped). Roles: viewer, operator, finance, admin.",
    "operationId": "listWorkers",
    "parameters": [
     {
      "description": "1 to 500, default 100",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "maximum": 500,
       "minimum": 1,
       "type": "integer"
      }
     },
     {
      "description": "next_cursor of the previous page",
      "in": "query",
      "name": "cursor",
      "required": false,
      "schema": {
       "maxLength": 1100,
       "minLength": 1,
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/WorkerList"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Workers that have not stopped: definitions they run, concurrency, last heartbeat, live."
   }
  },
  "/admin/v1/workflows": {
   "get": {
    "description": "Workflows newest first by (created_at, id), keyset-paginated. The listing walks one index, chosen by the first filter given of business_key, status, type (else workflows_by_created); created ranges and the cursor are ranges of it. Filters that index does not hold (state, updated_from, updated_to, and type or status when a more selective filter chose the index) are checked on at most 10,000 walked rows per page: such a page can hold fewer rows than limit, even none, and still have a next_cursor (where the walk stopped). created_from and updated_from more than a minute in the future, and a range whose end is not after its start, are 400. Unknown parameters, bad dates, statuses, limits and cursors are 400. Roles: viewer, operator, finance, admin.",
    "operationId": "listWorkflows",
    "parameters": [
     {
      "description": "Workflow type (index workflows_type_created)",
      "in": "query",
      "name": "type",
      "required": false,
      "schema": {
       "maxLength": 200,
       "minLength": 1,
       "type": "string"
      }
     },
     {
      "description": "Status (index workflows_status_created)",
      "in": "query",
      "name": "status",
      "required": false,
      "schema": {
       "$ref": "#/components/schemas/Status"
      }
     },
     {
      "description": "State name (checked on at most 10,000 walked rows per page)",
      "in": "query",
      "name": "state",
      "required": false,
      "schema": {
       "maxLength": 200,
       "minLength": 1,
       "type": "string"
      }
     },
     {
      "description": "Business key (index workflows_by_business_key)",
      "in": "query",
      "name": "business_key",
      "required": false,
      "schema": {
       "maxLength": 200,
       "minLength": 1,
       "type": "string"
      }
     },
     {
      "description": "created_at >= (ISO 8601; not in the future)",
      "in": "query",
      "name": "created_from",
      "required": false,
      "schema": {
       "format": "date-time",
       "type": "string"
      }
     },
     {
      "description": "created_at < (ISO 8601; after created_from)",
      "in": "query",
      "name": "created_to",
      "required": false,
      "schema": {
       "format": "date-time",
       "type": "string"
      }
     },
     {
      "description": "updated_at >= (ISO 8601; not in the future; checked on at most 10,000 walked rows per page)",
      "in": "query",
      "name": "updated_from",
      "required": false,
      "schema": {
       "format": "date-time",
       "type": "string"
      }
     },
     {
      "description": "updated_at < (ISO 8601; also bounds created_at, a range of the index)",
      "in": "query",
      "name": "updated_to",
      "required": false,
      "schema": {
       "format": "date-time",
       "type": "string"
      }
     },
     {
      "description": "next_cursor of the previous page",
      "in": "query",
      "name": "cursor",
      "required": false,
      "schema": {
       "maxLength": 1100,
       "minLength": 1,
       "type": "string"
      }
     },
     {
      "description": "1 to 500, default 50",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "maximum": 500,
       "minimum": 1,
       "type": "integer"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/WorkflowList"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Workflows newest first by (created_at, id), keyset-paginated. Unknown parameters, bad dates, statuses, limits and cursors are 400."
   }
  },
  "/admin/v1/workflows/{id}": {
   "get": {
    "description": "One workflow: input, context, state, status, next run time, lease holder, compensation stack, explanation, the first 100 history entries and the oldest 100 pending signals (with the cursors of their next pages). Roles: viewer, operator, finance, admin.",
    "operationId": "getWorkflow",
    "parameters": [
     {
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "format": "uuid",
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/WorkflowDetail"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "One workflow: input, context, state, status, next run time, lease holder, compensation stack, explanation, and the first page of its history and pending signals."
   }
  },
  "/admin/v1/workflows/{id}/cancel": {
   "post": {
    "description": "Cancel (compensations run). Reason required. 409 cancel_refused when the workflow refuses in its state (with its reason), 409 precondition_failed when it is finished or compensating. Roles: operator, admin.",
    "operationId": "cancelWorkflow",
    "parameters": [
     {
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "format": "uuid",
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RequiredReasonBody"
       }
      }
     },
     "required": true
    },
    "responses": {
     "202": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ActionResult"
        }
       }
      },
      "description": "Cancel recorded"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Cancel (compensations run). Reason required. 409 cancel_refused when the workflow refuses in its state (with its reason), 409 precondition_failed when it is finished or compensating."
   }
  },
  "/admin/v1/workflows/{id}/explain": {
   "get": {
    "description": "Why the workflow is not running right now. Roles: viewer, operator, finance, admin.",
    "operationId": "explainWorkflow",
    "parameters": [
     {
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "format": "uuid",
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Explanation"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Why the workflow is not running right now."
   }
  },
  "/admin/v1/workflows/{id}/history": {
   "get": {
    "description": "One workflow's history, oldest first, keyset-paginated by entry id (index workflow_history_by_workflow). 404 for an unknown workflow. Roles: viewer, operator, finance, admin.",
    "operationId": "getWorkflowHistory",
    "parameters": [
     {
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "format": "uuid",
       "type": "string"
      }
     },
     {
      "description": "1 to 1000, default 100",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "maximum": 1000,
       "minimum": 1,
       "type": "integer"
      }
     },
     {
      "description": "next_cursor of the previous page",
      "in": "query",
      "name": "cursor",
      "required": false,
      "schema": {
       "maxLength": 1100,
       "minLength": 1,
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/HistoryPage"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "One workflow's history, oldest first, one page."
   }
  },
  "/admin/v1/workflows/{id}/rerun": {
   "post": {
    "description": "Start a new run of a workflow that is no longer active, from a chosen state: same type, version and input, the old context, key <old key>#rerun-<n>, rerun_of = the old id. 409 while it is active; 422 for a state its type does not have. Roles: operator, admin.",
    "operationId": "rerunWorkflow",
    "parameters": [
     {
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "format": "uuid",
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RerunBody"
       }
      }
     },
     "required": true
    },
    "responses": {
     "201": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RerunResult"
        }
       }
      },
      "description": "The new run"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Start a new run of a workflow that is no longer active, from a chosen state: same type, version and input, the old context, key <old key>#rerun-<n>, rerun_of = the old id. 409 while it is active; 422 for a state its type does not have."
   }
  },
  "/admin/v1/workflows/{id}/resume": {
   "post": {
    "description": "Resume a failed or compensation_failed workflow, or one parked for an operator (awaiting the resume signal). 409 otherwise. Roles: operator, admin.",
    "operationId": "resumeWorkflow",
    "parameters": [
     {
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "format": "uuid",
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ReasonBody"
       }
      }
     },
     "required": false
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ActionResult"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Resume a failed or compensation_failed workflow, or one parked for an operator (awaiting the resume signal). 409 otherwise."
   }
  },
  "/admin/v1/workflows/{id}/retry": {
   "post": {
    "description": "Skip the backoff wait of a workflow that failed an attempt (runnable, waiting or compensating, not leased, attempt > 0, due later). 409 otherwise. Roles: operator, admin.",
    "operationId": "retryWorkflow",
    "parameters": [
     {
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "format": "uuid",
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ReasonBody"
       }
      }
     },
     "required": false
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ActionResult"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Skip the backoff wait of a workflow that failed an attempt (runnable, waiting or compensating, not leased, attempt > 0, due later). 409 otherwise."
   }
  },
  "/admin/v1/workflows/{id}/signal": {
   "post": {
    "description": "Deliver a signal (idempotent on signal_id). 409 when the workflow has finished. Roles: operator, admin.",
    "operationId": "signalWorkflow",
    "parameters": [
     {
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "format": "uuid",
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SignalBody"
       }
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ActionResult"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "422": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Deliver a signal (idempotent on signal_id). 409 when the workflow has finished."
   }
  },
  "/admin/v1/workflows/{id}/signals": {
   "get": {
    "description": "The signals in one workflow's inbox that no state consumed yet, oldest first, keyset-paginated by (received_at, signal_id) (index workflow_signals_pending_by_time). 404 for an unknown workflow. Roles: viewer, operator, finance, admin.",
    "operationId": "getWorkflowPendingSignals",
    "parameters": [
     {
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "format": "uuid",
       "type": "string"
      }
     },
     {
      "description": "1 to 1000, default 100",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "maximum": 1000,
       "minimum": 1,
       "type": "integer"
      }
     },
     {
      "description": "next_cursor of the previous page",
      "in": "query",
      "name": "cursor",
      "required": false,
      "schema": {
       "maxLength": 1100,
       "minLength": 1,
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/PendingSignalPage"
        }
       }
      },
      "description": "OK"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "One workflow's pending signals, oldest first, one page."
   }
  }
 },
 "security": [
  {
   "adminToken": []
  }
 ],
 "servers": [
  {
   "url": "/"
  }
 ]
}
"""#

    static func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: document)))
    }
}
