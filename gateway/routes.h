/* routes: the gateway's route table (routes.c), which main hands to the
 * router (core/router.h). */
#ifndef GW_ROUTES_H
#define GW_ROUTES_H

#include <stddef.h>

#include "gw.h"

extern const gw_route gw_routes[];
extern const size_t gw_n_routes;

#endif
