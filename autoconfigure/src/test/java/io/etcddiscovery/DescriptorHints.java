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

package io.etcddiscovery;

import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on the reflection hints of what an endpoint serializes: every public record
 * a describer declares, and each of its accessors, is reachable in a native image.
 *
 * @author etcd-discovery authors
 */
public final class DescriptorHints {

	private DescriptorHints() {
	}

	/**
	 * Assert that the registrar's hints cover every public record the describer declares.
	 * @param registrar the registrar under test
	 * @param describer the class whose nested public records are serialized
	 */
	public static void assertEveryRecordIsSerializable(RuntimeHintsRegistrar registrar, Class<?> describer) {
		RuntimeHints hints = new RuntimeHints();
		registrar.registerHints(hints, DescriptorHints.class.getClassLoader());
		List<Class<?>> descriptors = Arrays.stream(describer.getDeclaredClasses())
			.filter(Class::isRecord)
			.filter((record) -> Modifier.isPublic(record.getModifiers()))
			.toList();
		assertThat(descriptors).isNotEmpty();
		for (Class<?> descriptor : descriptors) {
			assertThat(RuntimeHintsPredicates.reflection().onType(descriptor)).as(descriptor.getName()).accepts(hints);
			for (RecordComponent component : descriptor.getRecordComponents()) {
				assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(component.getAccessor()))
					.as(descriptor.getSimpleName() + "." + component.getName())
					.accepts(hints);
			}
		}
	}

}
