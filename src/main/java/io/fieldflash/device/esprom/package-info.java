/**
 * The ESP ROM bootloader over USB-serial ({@code esp-rom}): SLIP framing ({@link io.fieldflash.device.esprom.Slip}),
 * the commands ({@link io.fieldflash.device.esprom.RomCommand}, {@link io.fieldflash.device.esprom.EspRomClient}),
 * the chips ({@link io.fieldflash.device.esprom.Chip}) and the device adapter
 * ({@link io.fieldflash.device.esprom.EspRomDevice}, {@link io.fieldflash.device.esprom.EspRomSession}).
 * Follows what esptool 4.7 does with {@code --no-stub}.
 */
package io.fieldflash.device.esprom;
