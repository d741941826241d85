import Foundation
import Hummingbird

/// The OpenAPI 3.1 description of the order intake API and the webhooks, written by hand and
/// served at `/api/v1/openapi.json`. `OrderIntakeOpenAPITests` checks that every documented
/// operation is routed, that the paths serve no other method, and that answers match their
/// schemas; `ops/fuzz` runs schemathesis over it with an intake token.
enum IntakeOpenAPI {
    static let path = "/api/v1/openapi.json"

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
    "description": "A refusal. Every route can answer 400 (a Content-Length that is not a number) and 413 (a body over the server's cap, SUNDIAL_HTTP_MAX_BODY_BYTES), besides its own refusals."
   }
  },
  "schemas": {
   "CancelAccepted": {
    "properties": {
     "order_id": {
      "type": "string"
     },
     "status": {
      "enum": [
       "cancelling"
      ],
      "type": "string"
     },
     "workflow_id": {
      "format": "uuid",
      "type": "string"
     }
    },
    "required": [
     "order_id",
     "workflow_id",
     "status"
    ],
    "type": "object"
   },
   "CancelBody": {
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
   "OrderAccepted": {
    "properties": {
     "order_id": {
      "type": "string"
     },
     "status": {
      "type": "string"
     },
     "workflow_id": {
      "format": "uuid",
      "type": "string"
     }
    },
    "required": [
     "order_id",
     "workflow_id",
     "status"
    ],
    "type": "object"
   },
   "OrderInput": {
    "additionalProperties": false,
    "properties": {
     "currency": {
      "description": "Lower-case ISO 4217 code (usd)",
      "type": "string"
     },
     "customer": {
      "additionalProperties": false,
      "properties": {
       "email": {
        "type": "string"
       },
       "id": {
        "minLength": 1,
        "type": "string"
       },
       "name": {
        "minLength": 1,
        "type": "string"
       }
      },
      "required": [
       "id",
       "name"
      ],
      "type": "object"
     },
     "items": {
      "items": {
       "additionalProperties": false,
       "properties": {
        "description": {
         "type": "string"
        },
        "quantity": {
         "maximum": 10000,
         "minimum": 1,
         "type": "integer"
        },
        "sku": {
         "minLength": 1,
         "type": "string"
        },
        "unit_price": {
         "description": "An exact decimal as a string (\"19.99\"), never a JSON number",
         "type": "string"
        },
        "weight_pounds": {
         "description": "An exact decimal as a string (\"19.99\"), never a JSON number",
         "type": "string"
        }
       },
       "required": [
        "sku",
        "quantity",
        "unit_price"
       ],
       "type": "object"
      },
      "maxItems": 200,
      "minItems": 1,
      "type": "array"
     },
     "order_id": {
      "description": "The shop's order id; the idempotency key",
      "pattern": "^[A-Za-z0-9._-]{1,64}$",
      "type": "string"
     },
     "payment_intent": {
      "description": "A PaymentIntent the shop's checkout authorized with the customer present (capture_method=manual); Sundial checks amount, currency and status, and captures it at shipment. Give this or payment_method.",
      "minLength": 1,
      "type": "string"
     },
     "payment_method": {
      "description": "A saved card (pm_...) Sundial authorizes server-side, merchant-initiated (off_session). Give this or payment_intent.",
      "minLength": 1,
      "type": "string"
     },
     "service_level": {
      "enum": [
       "ground",
       "express",
       "overnight"
      ],
      "type": "string"
     },
     "shipping_address": {
      "additionalProperties": false,
      "properties": {
       "city": {
        "minLength": 1,
        "type": "string"
       },
       "company": {
        "type": "string"
       },
       "country": {
        "description": "US",
        "type": "string"
       },
       "lines": {
        "items": {
         "type": "string"
        },
        "maxItems": 3,
        "minItems": 1,
        "type": "array"
       },
       "name": {
        "minLength": 1,
        "type": "string"
       },
       "phone": {
        "minLength": 1,
        "type": "string"
       },
       "postal_code": {
        "minLength": 1,
        "type": "string"
       },
       "state": {
        "minLength": 1,
        "type": "string"
       }
      },
      "required": [
       "name",
       "phone",
       "lines",
       "city",
       "state",
       "postal_code",
       "country"
      ],
      "type": "object"
     },
     "shipping_amount": {
      "description": "An exact decimal as a string (\"19.99\"), never a JSON number",
      "type": "string"
     },
     "tax_amount": {
      "description": "An exact decimal as a string (\"19.99\"), never a JSON number",
      "type": "string"
     }
    },
    "required": [
     "order_id",
     "customer",
     "items",
     "currency",
     "shipping_address",
     "service_level"
    ],
    "oneOf": [
     {
      "required": [
       "payment_method"
      ]
     },
     {
      "required": [
       "payment_intent"
      ]
     }
    ],
    "type": "object"
   },
   "OrderView": {
    "properties": {
     "attention_reason": {
      "type": [
       "string",
       "null"
      ]
     },
     "carrier": {
      "type": [
       "string",
       "null"
      ]
     },
     "created_at": {
      "format": "date-time",
      "type": "string"
     },
     "currency": {
      "type": "string"
     },
     "invoice_id": {
      "type": [
       "string",
       "null"
      ]
     },
     "last_error": {
      "type": [
       "string",
       "null"
      ]
     },
     "order_id": {
      "type": "string"
     },
     "payment_intent_id": {
      "description": "The Stripe PaymentIntent holding or paid with the order's money, once known",
      "type": [
       "string",
       "null"
      ]
     },
     "state": {
      "type": "string"
     },
     "status": {
      "enum": [
       "received",
       "payment_pending",
       "confirmed",
       "shipped",
       "in_transit",
       "out_for_delivery",
       "delivered",
       "needs_attention",
       "completed",
       "cancelling",
       "cancelled",
       "compensated",
       "failed"
      ],
      "type": "string"
     },
     "timeline": {
      "items": {
       "properties": {
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
        "event": {
         "type": "string"
        }
       },
       "required": [
        "at",
        "event"
       ],
       "type": "object"
      },
      "type": "array"
     },
     "total": {
      "type": "string"
     },
     "tracking_number": {
      "type": [
       "string",
       "null"
      ]
     },
     "tracking_status": {
      "type": [
       "string",
       "null"
      ]
     },
     "updated_at": {
      "format": "date-time",
      "type": "string"
     },
     "workflow_id": {
      "format": "uuid",
      "type": "string"
     },
     "workflow_status": {
      "type": "string"
     }
    },
    "required": [
     "order_id",
     "workflow_id",
     "status",
     "state",
     "workflow_status",
     "total",
     "currency",
     "timeline",
     "created_at",
     "updated_at"
    ],
    "type": "object"
   },
   "WebhookReceived": {
    "properties": {
     "ignored": {
      "type": "string"
     },
     "received": {
      "type": "boolean"
     }
    },
    "required": [
     "received"
    ],
    "type": "object"
   }
  },
  "securitySchemes": {
   "accessToken": {
    "bearerFormat": "JWT",
    "description": "orders:write for the POST routes, orders:read for GET",
    "scheme": "bearer",
    "type": "http"
   }
  }
 },
 "info": {
  "description": "INT-001 and INT-003: the shop submits, reads and cancels orders with an OAuth 2.0 access token (JWT); Stripe and the carriers post signed webhooks. Every refusal is a 4xx (503 for a part not configured, or `database_unavailable` with Retry-After while the database link is lost, e.g. during a failover) with a JSON error body. Served at /api/v1/openapi.json; ops/fuzz runs schemathesis over it.",
  "title": "Sundial order intake API and webhooks",
  "version": "1"
 },
 "openapi": "3.1.0",
 "paths": {
  "/api/v1/openapi.json": {
   "get": {
    "operationId": "intakeOpenAPI",
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      },
      "description": "The OpenAPI document"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [],
    "summary": "This document"
   }
  },
  "/api/v1/orders": {
   "post": {
    "operationId": "submitOrder",
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/OrderInput"
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
         "$ref": "#/components/schemas/OrderAccepted"
        }
       }
      },
      "description": "The same order again"
     },
     "201": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/OrderAccepted"
        }
       }
      },
      "description": "Created"
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
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Submit an order: 201 when its workflow is created, 200 for the same order again, 409 for the same id with another body, 422 naming every bad field."
   }
  },
  "/api/v1/orders/{order_id}": {
   "get": {
    "operationId": "showOrder",
    "parameters": [
     {
      "in": "path",
      "name": "order_id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/OrderView"
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
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Where an order stands; 404 for an unknown order."
   }
  },
  "/api/v1/orders/{order_id}/cancel": {
   "post": {
    "operationId": "cancelOrder",
    "parameters": [
     {
      "in": "path",
      "name": "order_id",
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
        "$ref": "#/components/schemas/CancelBody"
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
         "$ref": "#/components/schemas/CancelAccepted"
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
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "summary": "Ask to cancel: 202 once recorded, 409 when the order refuses or has ended."
   }
  },
  "/webhooks/carriers/{carrier}": {
   "post": {
    "operationId": "carrierWebhook",
    "parameters": [
     {
      "in": "path",
      "name": "carrier",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "t=<unix>,v1=<hex HMAC-SHA256>",
      "in": "header",
      "name": "X-Carrier-Signature",
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
        "type": "object"
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
         "$ref": "#/components/schemas/WebhookReceived"
        }
       }
      },
      "description": "Received (maybe ignored, with the reason)"
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
    "security": [],
    "summary": "Tracking events, signed with X-Carrier-Signature; 404 for a carrier other than fedex, ups, usps."
   }
  },
  "/webhooks/stripe": {
   "post": {
    "operationId": "stripeWebhook",
    "parameters": [
     {
      "description": "t=<unix>,v1=<hex HMAC-SHA256>",
      "in": "header",
      "name": "Stripe-Signature",
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
        "type": "object"
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
         "$ref": "#/components/schemas/WebhookReceived"
        }
       }
      },
      "description": "Received (maybe ignored, with the reason)"
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
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [],
    "summary": "Stripe events, signed with Stripe-Signature; 200 also for events about no known order."
   }
  }
 },
 "security": [
  {
   "accessToken": []
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
