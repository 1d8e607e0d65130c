package io.fieldflash.device;

/**
 * What a transport can do. {@code UpdateJob} reads these instead of asking which protocol it talks to.
 *
 * <table>
 *   <caption>Known transports</caption>
 *   <tr><th></th><th>fieldflash-http/1</th><th>Arduino/ElegantOTA</th><th>espota</th><th>esp-rom serial</th></tr>
 *   <tr><td>identity</td><td>yes</td><td>no</td><td>no</td><td>chip + MAC only</td></tr>
 *   <tr><td>resumable</td><td>yes</td><td>no</td><td>no</td><td>within a session</td></tr>
 *   <tr><td>perChunkChecksum</td><td>yes</td><td>no</td><td>no</td><td>yes (per block)</td></tr>
 *   <tr><td>separateInstall</td><td>yes</td><td>no</td><td>no</td><td>no (MD5 check instead)</td></tr>
 *   <tr><td>rebootCommand</td><td>yes</td><td>no (reboots itself)</td><td>no</td><td>yes (reset)</td></tr>
 *   <tr><td>trialBoot</td><td>yes</td><td>no</td><td>no</td><td>no</td></tr>
 *   <tr><td>needsToken</td><td>yes</td><td>optional</td><td>optional</td><td>no</td></tr>
 * </table>
 *
 * @param identity         the device reports product, hardware, firmware version and security counter, so the
 *                         job can run its preflight checks against them
 * @param resumable        a broken transfer continues from where the device stopped (across runs, too)
 * @param perChunkChecksum every chunk is checked by the device on arrival
 * @param separateInstall  the image is activated by an explicit install step after the transfer
 * @param rebootCommand    the device can be told to restart into the new image
 * @param trialBoot        the new image boots on trial and must be confirmed, else the device returns to the old one
 * @param needsToken       the device wants an access token
 */
public record Capabilities(boolean identity, boolean resumable, boolean perChunkChecksum, boolean separateInstall,
                           boolean rebootCommand, boolean trialBoot, boolean needsToken) {

    /** fieldflash-http/1: everything. */
    public static final Capabilities FIELDFLASH_HTTP = new Capabilities(true, true, true, true, true, true, true);

    /** A bare tus 1.0.0 server: a resumable transfer and nothing around it. */
    public static final Capabilities TUS_ONLY = new Capabilities(false, true, false, false, false, false, false);
}
