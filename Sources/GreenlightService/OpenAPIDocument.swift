/// The API's OpenAPI 3.1 description, served at `/openapi.json` (checked by openapi-spec-validator
/// and exercised by schemathesis in scripts/test-service.sh).
enum OpenAPIDocument {
    static let json = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "Greenlight QC service",
  "version": "1",
  "description": "Jobs that check media files with `greenlight check`, their reports, and each file's history. Started by `greenlight serve`; see docs/service.md. Without --token-file the service listens on 127.0.0.1 only and needs no token; with one, every call below but /healthz and /openapi.json needs `Authorization: Bearer <token>` (a read token for GET, a submit token for POST and DELETE)."
 },
 "servers": [
  {
   "url": "/"
  }
 ],
 "security": [
  {},
  {
   "bearer": []
  }
 ],
 "paths": {
  "/api/v1/jobs": {
   "post": {
    "operationId": "submitJob",
    "summary": "Queue files (or folders) to be checked together with one profile.",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/JobRequest"
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Queued.",
      "headers": {
       "Location": {
        "description": "The job's URL.",
        "schema": {
         "type": "string"
        }
       }
      },
      "links": {
       "GetJob": {
        "operationId": "getJob",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "CancelJob": {
        "operationId": "cancelJob",
        "parameters": {
         "id": "$response.body#/id"
        }
       },
       "GetReport": {
        "operationId": "getReport",
        "parameters": {
         "id": "$response.body#/id"
        }
       }
      },
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   },
   "get": {
    "operationId": "listJobs",
    "summary": "Jobs, newest first, filtered by state, file, verdict and date.",
    "parameters": [
     {
      "name": "state",
      "in": "query",
      "description": "Comma-separated states.",
      "schema": {
       "type": "string",
       "pattern": "^(queued|running|done|failed|cancelled)(,(queued|running|done|failed|cancelled))*$"
      }
     },
     {
      "name": "path",
      "in": "query",
      "description": "Part of a file's path (case-insensitive).",
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "verdict",
      "in": "query",
      "schema": {
       "type": "string",
       "enum": [
        "pass",
        "warn",
        "fail",
        "error"
       ]
      }
     },
     {
      "name": "from",
      "in": "query",
      "description": "Submitted at or after (a date or date-time).",
      "schema": {
       "type": "string",
       "anyOf": [
        {
         "format": "date"
        },
        {
         "format": "date-time"
        }
       ]
      }
     },
     {
      "name": "to",
      "in": "query",
      "description": "Submitted before (a date or date-time).",
      "schema": {
       "type": "string",
       "anyOf": [
        {
         "format": "date"
        },
        {
         "format": "date-time"
        }
       ]
      }
     },
     {
      "name": "limit",
      "in": "query",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000,
       "default": 100
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The jobs.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "jobs"
         ],
         "additionalProperties": false,
         "properties": {
          "jobs": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/Job"
           }
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/api/v1/jobs/{id}": {
   "parameters": [
    {
     "name": "id",
     "in": "path",
     "required": true,
     "description": "The job's id.",
     "schema": {
      "type": "integer",
      "minimum": 1,
      "maximum": 9007199254740991
     }
    }
   ],
   "get": {
    "operationId": "getJob",
    "summary": "One job: its state, progress and verdict.",
    "responses": {
     "200": {
      "description": "The job.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   },
   "delete": {
    "operationId": "cancelJob",
    "summary": "Cancel a queued or running job (a running check is stopped).",
    "responses": {
     "200": {
      "description": "The job, cancelled.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Job"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/api/v1/jobs/{id}/report": {
   "parameters": [
    {
     "name": "id",
     "in": "path",
     "required": true,
     "description": "The job's id.",
     "schema": {
      "type": "integer",
      "minimum": 1,
      "maximum": 9007199254740991
     }
    }
   ],
   "get": {
    "operationId": "getReport",
    "summary": "The job's report: exactly the JSON `greenlight check --json` writes for the same files and profile (docs/report.schema.json).",
    "responses": {
     "200": {
      "description": "The JSON report.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Report"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/api/v1/jobs/{id}/report.html": {
   "parameters": [
    {
     "name": "id",
     "in": "path",
     "required": true,
     "description": "The job's id.",
     "schema": {
      "type": "integer",
      "minimum": 1,
      "maximum": 9007199254740991
     }
    }
   ],
   "get": {
    "operationId": "getReportHTML",
    "summary": "The job's HTML report (as `greenlight check --html` writes it).",
    "responses": {
     "200": {
      "description": "The HTML report.",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/api/v1/files": {
   "get": {
    "operationId": "getFileHistory",
    "summary": "Every finished check of one file, and what changed from each to the next.",
    "parameters": [
     {
      "name": "path",
      "in": "query",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1
      }
     }
    ],
    "responses": {
     "200": {
      "description": "The history.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/FileHistory"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "operationId": "getMetrics",
    "summary": "Prometheus text: queue depth, jobs by state, seconds per job, frames checked.",
    "responses": {
     "200": {
      "description": "Metrics.",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/healthz": {
   "get": {
    "operationId": "getHealth",
    "summary": "Whether the service reaches its database.",
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "Healthy.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     },
     "503": {
      "description": "The database cannot be reached.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "operationId": "getOpenAPI",
    "summary": "This document.",
    "security": [
     {}
    ],
    "responses": {
     "200": {
      "description": "The OpenAPI 3.1 document.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  }
 },
 "components": {
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer",
    "description": "A token from the --token-file (stored there as its SHA-256)."
   }
  },
  "responses": {
   "Error": {
    "description": "Refused, with the reason.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Forbidden": {
    "description": "A path outside the service's roots (or one that does not resolve), or a read-only token asking to change something; the reason says which.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "NotFound": {
    "description": "No such job, or no report yet; the reason says which.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Unauthorized": {
    "description": "A token is needed (only with --token-file).",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   }
  },
  "schemas": {
   "Error": {
    "type": "object",
    "required": [
     "error"
    ],
    "additionalProperties": false,
    "properties": {
     "error": {
      "type": "string"
     }
    }
   },
   "Health": {
    "type": "object",
    "required": [
     "status"
    ],
    "additionalProperties": false,
    "properties": {
     "status": {
      "type": "string"
     }
    }
   },
   "JobRequest": {
    "type": "object",
    "required": [
     "paths"
    ],
    "additionalProperties": false,
    "properties": {
     "paths": {
      "type": "array",
      "minItems": 1,
      "maxItems": 1000,
      "items": {
       "type": "string"
      },
      "description": "Absolute paths of files or folders, each resolving (links followed) under a --root."
     },
     "profile": {
      "type": "string",
      "default": "default",
      "description": "A built-in profile (default, dailies, delivery, hdr10-delivery, netflix, bbc, ebu-r128, ci) or the absolute path of a profile file under a --root."
     },
     "priority": {
      "type": "integer",
      "minimum": -1000,
      "maximum": 1000,
      "default": 0,
      "description": "Higher runs first; equal priorities run in the order submitted."
     }
    }
   },
   "Job": {
    "type": "object",
    "additionalProperties": false,
    "required": [
     "id",
     "state",
     "progress",
     "verdict",
     "paths",
     "profile",
     "priority",
     "source",
     "submitted",
     "started",
     "finished",
     "error",
     "findings",
     "attempts",
     "etaSeconds"
    ],
    "properties": {
     "id": {
      "type": "integer",
      "minimum": 1
     },
     "state": {
      "type": "string",
      "enum": [
       "queued",
       "running",
       "done",
       "failed",
       "cancelled"
      ]
     },
     "progress": {
      "type": "number",
      "minimum": 0,
      "maximum": 1
     },
     "verdict": {
      "enum": [
       "pass",
       "warn",
       "fail",
       "error",
       null
      ],
      "description": "The run's verdict once done (error: a file could not be read)."
     },
     "paths": {
      "type": "array",
      "items": {
       "type": "string"
      },
      "description": "The paths as resolved."
     },
     "profile": {
      "type": "string"
     },
     "priority": {
      "type": "integer"
     },
     "source": {
      "type": "string",
      "enum": [
       "api",
       "dashboard",
       "watch"
      ]
     },
     "submitted": {
      "type": "string",
      "format": "date-time"
     },
     "started": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     },
     "finished": {
      "type": [
       "string",
       "null"
      ],
      "format": "date-time"
     },
     "error": {
      "type": [
       "string",
       "null"
      ],
      "description": "Why it failed, or which files could not be read."
     },
     "findings": {
      "type": [
       "integer",
       "null"
      ],
      "minimum": 0
     },
     "attempts": {
      "type": "integer",
      "minimum": 0,
      "description": "Times a worker took it (more than one when a worker was lost with it)."
     },
     "etaSeconds": {
      "type": [
       "number",
       "null"
      ],
      "minimum": 0
     }
    }
   },
   "Report": {
    "type": "object",
    "required": [
     "schemaVersion",
     "tool",
     "profile",
     "checkers",
     "verdict",
     "files"
    ],
    "description": "See docs/report.schema.json."
   },
   "FileHistory": {
    "type": "object",
    "required": [
     "path",
     "checks",
     "changes"
    ],
    "additionalProperties": false,
    "properties": {
     "path": {
      "type": "string"
     },
     "checks": {
      "type": "array",
      "items": {
       "type": "object",
       "additionalProperties": false,
       "required": [
        "job",
        "profile",
        "verdict",
        "finished",
        "findings",
        "error"
       ],
       "properties": {
        "job": {
         "type": "integer"
        },
        "profile": {
         "type": "string"
        },
        "verdict": {
         "type": "string"
        },
        "finished": {
         "type": "string",
         "format": "date-time"
        },
        "findings": {
         "type": "object",
         "additionalProperties": {
          "type": "integer"
         },
         "description": "Finding codes and how many of each."
        },
        "error": {
         "type": [
          "string",
          "null"
         ]
        }
       }
      }
     },
     "changes": {
      "type": "array",
      "items": {
       "type": "object",
       "additionalProperties": false,
       "required": [
        "from",
        "to",
        "verdict",
        "appeared",
        "disappeared",
        "changed",
        "profileChanged"
       ],
       "properties": {
        "from": {
         "type": "integer"
        },
        "to": {
         "type": "integer"
        },
        "verdict": {
         "oneOf": [
          {
           "type": "null"
          },
          {
           "type": "object",
           "required": [
            "from",
            "to"
           ],
           "properties": {
            "from": {
             "type": "string"
            },
            "to": {
             "type": "string"
            }
           }
          }
         ]
        },
        "appeared": {
         "type": "object",
         "additionalProperties": {
          "type": "integer"
         }
        },
        "disappeared": {
         "type": "object",
         "additionalProperties": {
          "type": "integer"
         }
        },
        "changed": {
         "type": "object",
         "additionalProperties": {
          "type": "object",
          "required": [
           "from",
           "to"
          ],
          "properties": {
           "from": {
            "type": "integer"
           },
           "to": {
            "type": "integer"
           }
          }
         }
        },
        "profileChanged": {
         "type": "boolean"
        }
       }
      }
     }
    }
   }
  }
 }
}
"""#
}
