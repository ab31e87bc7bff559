/* Value of one hexadecimal digit (RFC 5234 HEXDIG, either case). */
#ifndef HEXDIGIT_H
#define HEXDIGIT_H

/* 0..15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for anything else. */
static inline int hexdigit(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (unsigned char)(c | 0x20u);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

#endif
