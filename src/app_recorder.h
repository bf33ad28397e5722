/*
 * app_recorder: a recording (snapshot.h's writer) written by a thread of
 * its own, so that writing a frame -- a full frame of a big heap takes
 * about as long as a capture -- never delays the next capture.
 *
 * The capturing thread hands each heap over whole with app_recorder_push:
 * from then on the heap is the writer's, immutable, and freed by it (or
 * kept as the next deltas' key frame).  app_recorder_share lends it
 * instead, to a writer that copies what it keeps and gives it back.  The queue holds at most
 * APP_RECORDER_QUEUE heaps; when it is full the push waits for a slot, so
 * that frames are never dropped and memory stays bounded.  A write that
 * fails stops the recording: the next push (or the close) says why.
 */
#ifndef HV_APP_RECORDER_H
#define HV_APP_RECORDER_H

#include "snapshot.h"

#define APP_RECORDER_QUEUE	2

struct app_recorder;

/* Creates path and writes its header (from h, which stays the caller's);
 * NULL with *cause when it cannot. */
struct app_recorder *app_recorder_open(const char *path, const struct heap *h,
	    enum snapshot_keys, char **cause);
/* Queues frame h at t seconds (taking h); -1 with *cause when an earlier
 * frame could not be written. */
int	app_recorder_push(struct app_recorder *, struct heap *h, double t,
	    char **cause);
/* Queues frame h at t seconds with label (copied; NULL: none), for a heap
 * that others go on reading meanwhile (the TUI shows it): the writer only
 * reads it too, and once written hands it to release(rctx, h), from its
 * thread.  -1 with *cause as above, h left to the caller (release is not
 * called). */
int	app_recorder_share(struct app_recorder *, struct heap *h, double t,
	    const char *label, void (*release)(void *, struct heap *),
	    void *rctx, char **cause);
/* Writes what is queued, ends the thread and closes the file; stats (when
 * not NULL) gets what was written.  -1 with *cause on a failure. */
int	app_recorder_close(struct app_recorder *,
	    struct snapshot_writer_stats *, char **cause);

#endif
