package dev.ares.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

class DeviceSpecTest {
    @Test
    void parsesTheThreeForms() {
        assertEquals(new DeviceSpec("cpu", -1, DataType.FLOAT32), DeviceSpec.parse("cpu"));
        assertEquals(new DeviceSpec("gpu", 0, DataType.FLOAT16), DeviceSpec.parse("GPU"));
        DeviceSpec g3 = DeviceSpec.parse(" gpu:3 ");
        assertEquals(3, g3.index());
        assertEquals(Device.gpu(3), g3.device());
        assertEquals(Device.cpu(), DeviceSpec.cpu().device());
        assertEquals(DataType.FLOAT32, g3.withDataType(DataType.FLOAT32).dataType());
    }

    @Test
    void rejectsAnythingElseWithTheText() {
        for (String bad : new String[] {"tpu", "gpu:", "gpu:-1", "gpu:x", "cpu:0", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceSpec.parse(bad));
            assertTrue(e.getMessage().contains("gpu"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DeviceSpec.parse(null));
        IllegalArgumentException bf = assertThrows(IllegalArgumentException.class,
                () -> DeviceSpec.cpu().withDataType(DataType.BFLOAT16));
        assertTrue(bf.getMessage().contains("bfloat16"));
    }
}
