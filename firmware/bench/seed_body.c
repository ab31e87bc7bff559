/* The seed's response, as fixed bytes for the bench reference images
 * (compiled into every image, used only by APP_BENCH_SERVER builds). */
#include "app_config.h"

#if APP_BENCH_SERVER
#define SEED_BODY                                                                                  \
    "{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#identityGovernance/"        \
    "entitlementManagement/accessPackageCatalogs('73eb2497-3b88-4c0a-8bb3-68ba8162beff')/"        \
    "accessPackageResources('99ab2454-3b88-4c0a-8bb3-68ba8162beff')/uploadSessions/$entity\","    \
    "\"id\":\"23f27c15-72f9-45fe-9e9c-e3d8f75bdc44\",\"status\":\"Complete\",\"isUploadDone\":"   \
    "true,\"stats\":{\"filesUploaded\":1,\"totalBytesUploaded\":2000000},\"files\":[{\"name\":"   \
    "\"building-a-access.csv\",\"size\":2000000,\"uploadedDateTime\":\"2024-03-06T01:35:12.123Z\""  \
    "}],\"createdDateTime\":\"2024-03-06T01:35:12.123Z\",\"expirationDateTime\":"                  \
    "\"2024-03-07T01:35:12.123Z\"}"

const char bench_seed_body[] = SEED_BODY;
const unsigned bench_seed_body_len = sizeof(SEED_BODY) - 1u;

/* A whole 200 response as the device sends it (head fields included), so
 * the floor image moves the same bytes over the wire. */
const char bench_floor_response[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json;odata.metadata=minimal;odata.streaming=true;"
    "IEEE754Compatible=false;charset=utf-8\r\n"
    "Content-Length: 590\r\n"
    "request-id: 5f0d3c1a-1111-4222-8333-944445555666\r\n"
    "client-request-id: 5f0d3c1a-1111-4222-8333-944445555666\r\n"
    "Date: Sat, 28 Nov 2026 12:00:00 GMT\r\n"
    "Cache-Control: no-store\r\n\r\n" SEED_BODY;
const unsigned bench_floor_response_len = sizeof(bench_floor_response) - 1u;
#endif
