/** Updating a device: the update job, its events, resume points, the audit log. */
package io.fieldflash.update;
