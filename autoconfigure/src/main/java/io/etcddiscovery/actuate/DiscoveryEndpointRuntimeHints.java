/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.actuate;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Reflection hints for what {@code /actuator/discovery} serializes to JSON but does not
 * declare as a return type: what {@link CachedServices} describes is returned as an
 * {@code Object}, so Spring Boot's hints for endpoint operations do not reach it, and a
 * native image would write it without its fields.
 *
 * @author etcd-discovery authors
 */
public class DiscoveryEndpointRuntimeHints implements RuntimeHintsRegistrar {

	private final BindingReflectionHintsRegistrar bindingRegistrar = new BindingReflectionHintsRegistrar();

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		this.bindingRegistrar.registerReflectionHints(hints.reflection(), CachedServices.CacheDescriptor.class,
				CachedServices.ServiceDescriptor.class, CachedServices.InstanceDescriptor.class,
				CachedServices.ProtectionDescriptor.class, CachedServices.HoldDescriptor.class);
	}

}
