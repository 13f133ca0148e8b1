package dev.ares.cli.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Turns a Parquet record (parquet's example {@link Group} model) into a JSON tree so that the same EasyR1 row mapping
 * serves JSONL and Parquet: strings (BINARY with a STRING, ENUM or JSON annotation) become text, other BINARY becomes
 * binary nodes (image bytes), numbers and booleans keep their type, LIST-annotated groups (three-level and legacy
 * two-level encodings) become arrays, other groups objects, and absent optional fields are left out.
 */
final class ParquetJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ParquetJson() {
    }

    static ObjectNode toJson(Group g) {
        ObjectNode o = F.objectNode();
        GroupType t = g.getType();
        for (int i = 0; i < t.getFieldCount(); i++) {
            Type field = t.getType(i);
            int n = g.getFieldRepetitionCount(i);
            if (n == 0) {
                continue;
            }
            if (field.isRepetition(Type.Repetition.REPEATED)) {
                ArrayNode arr = o.putArray(field.getName());
                for (int k = 0; k < n; k++) {
                    arr.add(value(g, i, k, field));
                }
            } else {
                o.set(field.getName(), value(g, i, 0, field));
            }
        }
        return o;
    }

    private static JsonNode value(Group g, int field, int index, Type type) {
        if (type.isPrimitive()) {
            return primitive(g, field, index, type.asPrimitiveType());
        }
        Group child = g.getGroup(field, index);
        GroupType gt = type.asGroupType();
        if (gt.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            return list(child, gt);
        }
        return toJson(child);
    }

    /** LIST: {@code <list> { repeated <item> }}, where item is either a wrapper group with one element or the element. */
    private static ArrayNode list(Group listGroup, GroupType listType) {
        ArrayNode arr = F.arrayNode();
        Type repeated = listType.getType(0);
        int n = listGroup.getFieldRepetitionCount(0);
        for (int k = 0; k < n; k++) {
            if (!repeated.isPrimitive() && repeated.asGroupType().getFieldCount() == 1
                    && !repeated.getName().equals("array") && !repeated.getName().endsWith("_tuple")) {
                Group wrapper = listGroup.getGroup(0, k);
                Type element = repeated.asGroupType().getType(0);
                arr.add(wrapper.getFieldRepetitionCount(0) == 0 ? F.nullNode() : value(wrapper, 0, 0, element));
            } else {
                arr.add(value(listGroup, 0, k, repeated));
            }
        }
        return arr;
    }

    private static JsonNode primitive(Group g, int field, int index, PrimitiveType p) {
        LogicalTypeAnnotation ann = p.getLogicalTypeAnnotation();
        switch (p.getPrimitiveTypeName()) {
            case BINARY, FIXED_LEN_BYTE_ARRAY -> {
                boolean text = ann instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        || ann instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                        || ann instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
                return text ? F.textNode(g.getString(field, index)) : F.binaryNode(g.getBinary(field, index).getBytes());
            }
            case INT32 -> {
                return F.numberNode(g.getInteger(field, index));
            }
            case INT64 -> {
                return F.numberNode(g.getLong(field, index));
            }
            case FLOAT -> {
                return F.numberNode(g.getFloat(field, index));
            }
            case DOUBLE -> {
                return F.numberNode(g.getDouble(field, index));
            }
            case BOOLEAN -> {
                return F.booleanNode(g.getBoolean(field, index));
            }
            default -> {
                return F.textNode(g.getValueToString(field, index));
            }
        }
    }
}
