/* open311: Open311 GeoReport v2 under /open311/v2/ (docs/api/open311.md),
 * the same feedback as /api/v1/feedback for existing 311
 * clients. Every resource answers in XML (required by the spec) or JSON,
 * chosen by its extension; one JSON document (jansson) is built per answer
 * and written as JSON, or as XML by the spec's Spark convention (arrays are
 * a container element of repeated items). Errors are the spec's list of
 * {code, description}: 404 unknown service, request or format, 403 missing
 * or bad api_key, 400 for the rest (the body's code then tells 503, 504...
 * apart, as the spec allows); 429 with Retry-After when an application
 * files more than LOA_OPEN311_LIMIT requests in LOA_INTAKE_WINDOW_S (it files
 * for many citizens from one address, so it is counted by its API key, not
 * by address). The mapping rules are open311_map.h. The files: answer.c
 * (formats, errors, calls), discovery.c, intake.c (POST), requests.c
 * (GET), openapi.c. */
#ifndef GW_OPEN311_H
#define GW_OPEN311_H

#include "core/throttle.h"
#include "gw.h"

/* GET discovery.{format}: the Service Discovery document. */
enum MHD_Result gw_open311_discovery (gw_request *req);

/* GET services.{format}: the feedback kinds. */
enum MHD_Result gw_open311_services (gw_request *req);

/* GET services/{service_code}.{format}: a service definition. */
enum MHD_Result gw_open311_definition (gw_request *req);

/* POST requests.{format}: a form-urlencoded request with an api_key of an
 * open311_client -> feedback.create; 201 with its service_request_id. */
enum MHD_Result gw_open311_create (gw_request *req);

/* The throttle of client applications' POSTs (borrowed; NULL: off). */
void gw_open311_set_throttle (gw_throttle *apps);

/* GET requests.{format}: feedback.public_list, within 90 days. */
enum MHD_Result gw_open311_requests (gw_request *req);

/* GET requests/{service_request_id}.{format}: feedback.track. */
enum MHD_Result gw_open311_request (gw_request *req);

/* The OpenAPI operation object of `r` when it is one of the routes above
 * (formats, parameters, the form body, the spec's errors), else NULL. */
json_t *gw_open311_operation (const gw_route *r);

#endif
