/* notify_channel: what a channel's sender (notify_send.c) hears back from a
 * provider, whichever the channel (notify_mail.h, notify_sms.h). */
#ifndef NOTIFY_CHANNEL_H
#define NOTIFY_CHANNEL_H

typedef enum {
    NOTIFY_SENT, /* the provider took it */
    NOTIFY_RETRY, /* not now: down, busy, a timeout, the network; or our own set-up */
    NOTIFY_REFUSED, /* never: the provider refused this message for good */
} notify_outcome;

#endif
