package io.meshport.swap.impl;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;

import io.meshport.swap.HandOver;

/**
 * State left by stopping components for their replacements. What is left stays until it is taken:
 * a session store whose bundle is stopped (not updated) gets its session back when it starts again.
 */
@Component(service = HandOver.class, immediate = true)
public final class HandOverImpl implements HandOver {
    private final Map<String, Object> states = new ConcurrentHashMap<>();

    @Override
    public void deposit(String name, Object state) {
        states.put(name, state);
    }

    @Override
    public Optional<Object> take(String name) {
        return Optional.ofNullable(states.remove(name));
    }
}
