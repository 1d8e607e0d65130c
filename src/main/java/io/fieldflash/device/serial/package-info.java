/**
 * Serial ports on jSerialComm: the list with USB ids and bridge names ({@link io.fieldflash.device.serial.SerialPorts}),
 * and one open port with timeouts and modem lines ({@link io.fieldflash.device.serial.SerialLink}).
 */
package io.fieldflash.device.serial;
