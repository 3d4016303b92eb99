package io.gatehouse.config.edit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code { key: value, ... }}; keys are unique (duplicates are a syntax error, as for the gateway). */
public record Json5Object(int start, int end, List<Json5Member> members) implements Json5Container {

    public Json5Object {
        members = List.copyOf(members);
    }

    @Override
    public List<Json5Member> items() {
        return members;
    }

    public Optional<Json5Member> member(String name) {
        return members.stream().filter(m -> m.key().name().equals(name)).findFirst();
    }

    @Override
    public Map<String, Object> toJava() {
        Map<String, Object> map = new LinkedHashMap<>();
        members.forEach(m -> map.put(m.key().name(), m.value().toJava()));
        return map;
    }

    @Override
    public String kind() {
        return "object";
    }
}
