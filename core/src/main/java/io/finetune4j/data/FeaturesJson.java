package io.finetune4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Features as HF writes them in dataset_info.json: {@code {"label": {"names": [...], "_type": "ClassLabel"}}}. */
final class FeaturesJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private FeaturesJson() {}

    static ObjectNode toJson(Features features) {
        ObjectNode root = JSON.createObjectNode();
        for (Map.Entry<String, Feature> e : features.asMap().entrySet()) {
            write(root.putObject(e.getKey()), e.getValue());
        }
        return root;
    }

    private static void write(ObjectNode node, Feature f) {
        if (f instanceof ClassLabel c) {
            c.names().forEach(node.putArray("names")::add);
            node.put("_type", "ClassLabel");
        } else if (f instanceof Feature.Sequence s) {
            write(node.putObject("feature"), s.feature());
            node.put("_type", "Sequence");
        } else if (f.typeName().startsWith("Sequence(")) {
            String dtype = f.typeName().substring("Sequence(".length(), f.typeName().length() - 1);
            node.putObject("feature").put("dtype", dtype).put("_type", "Value");
            node.put("_type", "Sequence");
        } else {
            node.put("dtype", f.typeName());
            node.put("_type", "Value");
        }
    }

    static Features fromJson(JsonNode root) {
        Map<String, Feature> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), featureOf(e.getValue()));
        }
        return new Features(out);
    }

    static Feature featureOf(JsonNode node) {
        String type = node.path("_type").asText("Value");
        if (type.equals("ClassLabel")) {
            List<String> names = new ArrayList<>();
            node.path("names").forEach(n -> names.add(n.asText()));
            return new ClassLabel(names);
        }
        if (type.equals("Sequence") || type.equals("List")) {
            JsonNode item = node.path("feature");
            if (item.path("_type").asText("").equals("ClassLabel")) {
                return new Feature.Sequence(featureOf(item));
            }
            String dtype = item.path("dtype").asText("int32");
            return new Feature.Value(dtype.startsWith("float") ? "Sequence(float32)" : "Sequence(int32)");
        }
        return new Feature.Value(node.path("dtype").asText("string"));
    }
}
