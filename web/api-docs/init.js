// /api/docs (gateway/ops/apidocs.c): Swagger UI (swagger-ui-dist, copied by
// make into vendor/, decision 0043) reads the gateway's OpenAPI document.
/* global SwaggerUIBundle */
'use strict';
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // No call to the public validator badge service: nothing leaves the site.
  validatorUrl: null,
  docExpansion: 'list',
  defaultModelsExpandDepth: 0,
  displayOperationId: true,
  filter: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
