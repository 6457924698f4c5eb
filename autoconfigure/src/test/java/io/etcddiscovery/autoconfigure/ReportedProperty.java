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

package io.etcddiscovery.autoconfigure;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.origin.Origin;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * The property a failed start-up reports, as Spring Boot's failure analyzers read it:
 * from a {@link BindValidationException} (a {@code Validator} at bind time) or from an
 * {@link InvalidConfigurationPropertyValueException} (where the value is used).
 *
 * @param name the property
 * @param value the value as set, or {@code null} when none was
 * @param reason why the value cannot work
 * @param origin where the value was set, or {@code null} when Boot does not track it
 * @author etcd-discovery authors
 */
public record ReportedProperty(String name, @Nullable Object value, String reason, @Nullable Origin origin) {

	public static ReportedProperty of(@Nullable Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidConfigurationPropertyValueException invalid) {
				return new ReportedProperty(invalid.getName(), invalid.getValue(), String.valueOf(invalid.getReason()),
						null);
			}
			if (cause instanceof BindValidationException bind) {
				ObjectError error = bind.getValidationErrors().getAllErrors().get(0);
				String name = error.getObjectName();
				Object value = null;
				if (error instanceof FieldError field) {
					name = name + "." + dashed(field.getField());
					value = field.getRejectedValue();
					for (ConfigurationProperty bound : bind.getValidationErrors().getBoundProperties()) {
						if (bound.getName().toString().equals(name)) {
							value = bound.getValue();
						}
					}
				}
				return new ReportedProperty(name, value, String.valueOf(error.getDefaultMessage()), Origin.from(error));
			}
		}
		throw new AssertionError("No property reported in " + failure);
	}

	private static String dashed(String field) {
		StringBuilder dashed = new StringBuilder();
		for (char c : field.toCharArray()) {
			if (Character.isUpperCase(c)) {
				dashed.append('-').append(Character.toLowerCase(c));
			}
			else {
				dashed.append(c);
			}
		}
		return dashed.toString().toLowerCase(Locale.ROOT);
	}

}
