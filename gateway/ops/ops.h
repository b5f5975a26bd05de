/* ops: the operations endpoints (docs/api/ops.md): liveness, readiness,
 * Prometheus metrics, and the OpenAPI document of the route table. */
#ifndef GW_OPS_H
#define GW_OPS_H

#include "gw.h"

enum MHD_Result gw_healthz (gw_request *req);

/* 200 when the gateway's database and every service answer ping, else 503
 * naming what does not. */
enum MHD_Result gw_readyz (gw_request *req);

enum MHD_Result gw_metrics (gw_request *req);

/* GET /api/v1/status (admin): each service's replicas, pinged one by one,
 * with their versions and events (docs/api/ops.md). */
enum MHD_Result gw_status (gw_request *req);

/* OpenAPI 3.1 of every route (openapi.c). */
enum MHD_Result gw_openapi (gw_request *req);

/* /api/docs: the document for people, Swagger UI (apidocs.c). */
enum MHD_Result gw_api_docs (gw_request *req);

#endif
