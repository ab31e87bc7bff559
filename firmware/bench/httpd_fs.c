/* lwIP httpd reference image (bench only): every URL serves the seed body
 * as a static file through httpd's custom-file hook. */
#include "app_config.h"

#if APP_BENCH_SERVER == 2
#include <string.h>

#include "lwip/apps/fs.h"

extern const char bench_seed_body[];
extern const unsigned bench_seed_body_len;

int fs_open_custom(struct fs_file *file, const char *name);
void fs_close_custom(struct fs_file *file);

int fs_open_custom(struct fs_file *file, const char *name)
{
    if (strcmp(name, "/seed.json") != 0) {
        return 0;
    }
    memset(file, 0, sizeof(*file));
    file->data = bench_seed_body;
    file->len = (int)bench_seed_body_len;
    file->index = (int)bench_seed_body_len;
    file->flags = 0; /* httpd adds the headers (LWIP_HTTPD_DYNAMIC_HEADERS) */
    return 1;
}

void fs_close_custom(struct fs_file *file)
{
    (void)file;
}
#endif
