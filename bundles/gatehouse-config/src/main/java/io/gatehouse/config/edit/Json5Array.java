package io.gatehouse.config.edit;

import java.util.ArrayList;
import java.util.List;

/** {@code [ value, ... ]}. */
public record Json5Array(int start, int end, List<Json5Element> elements) implements Json5Container {

    public Json5Array {
        elements = List.copyOf(elements);
    }

    @Override
    public List<Json5Element> items() {
        return elements;
    }

    @Override
    public List<Object> toJava() {
        List<Object> list = new ArrayList<>(elements.size());
        elements.forEach(e -> list.add(e.value().toJava()));
        return list;
    }

    @Override
    public String kind() {
        return "array";
    }
}
