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
            ObjectNode node = root.putObject(e.getKey());
            if (e.getValue() instanceof ClassLabel c) {
                c.names().forEach(node.putArray("names")::add);
                node.put("_type", "ClassLabel");
            } else if (e.getValue().typeName().startsWith("Sequence")) {
                node.putObject("feature").put("dtype", "int32").put("_type", "Value");
                node.put("_type", "Sequence");
            } else {
                node.put("dtype", e.getValue().typeName());
                node.put("_type", "Value");
            }
        }
        return root;
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
            return new Feature.Value("Sequence(int32)");
        }
        return new Feature.Value(node.path("dtype").asText("string"));
    }
}
