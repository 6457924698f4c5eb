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

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.tngtech.archunit.core.domain.AccessTarget.FieldAccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.JavaFieldAccess.AccessType;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.domain.ReferencedClassObject;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.AbstractClassesTransformer;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.apache.commons.logging.Log;
import org.jspecify.annotations.NullMarked;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.all;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rules of the package layout (docs/architecture.md) checked with ArchUnit on the
 * compiled main classes of this module: which package may use which, no cycle between
 * packages, every package {@code @NullMarked}, every class logging under its own name and
 * setting only its own fields.
 *
 * @author etcd-discovery authors
 */
@AnalyzeClasses(packages = "io.etcddiscovery", importOptions = { ImportOption.DoNotIncludeTests.class,
		ImportOption.DoNotIncludeJars.class, PackageRulesTests.DoNotIncludeTestSupport.class })
class PackageRulesTests {

	/**
	 * The etcd client's runtime uses no other package. Registration and discovery stand
	 * on the etcd core, never on each other; health uses neither; actuate and cloud never
	 * use each other; no library package uses the auto-configuration, which wires them
	 * all. A new package fails the rule until it is given a place here.
	 */
	@ArchTest
	static final ArchRule packagesUseOnlyWhatTheyStandOn = layeredArchitecture().consideringOnlyDependenciesInLayers()
		.layer("client")
		.definedBy("io.etcddiscovery.client..")
		.layer("etcd")
		.definedBy("io.etcddiscovery.etcd..")
		.layer("registration")
		.definedBy("io.etcddiscovery.registration..")
		.layer("discovery")
		.definedBy("io.etcddiscovery.discovery..")
		.layer("health")
		.definedBy("io.etcddiscovery.health..")
		.layer("actuate")
		.definedBy("io.etcddiscovery.actuate..")
		.layer("metrics")
		.definedBy("io.etcddiscovery.metrics..")
		.layer("cloud")
		.definedBy("io.etcddiscovery.cloud..")
		.layer("grpc")
		.definedBy("io.etcddiscovery.grpc..")
		.layer("autoconfigure")
		.definedBy("io.etcddiscovery.autoconfigure..")
		.whereLayer("client")
		.mayNotAccessAnyLayer()
		.whereLayer("etcd")
		.mayNotAccessAnyLayer()
		.whereLayer("registration")
		.mayOnlyAccessLayers("etcd")
		.whereLayer("discovery")
		.mayOnlyAccessLayers("etcd")
		.whereLayer("health")
		.mayOnlyAccessLayers("etcd")
		.whereLayer("actuate")
		.mayOnlyAccessLayers("etcd", "registration", "discovery", "health")
		// metrics binds the meters of every package's objects, EjectedInstances' too.
		.whereLayer("metrics")
		.mayOnlyAccessLayers("etcd", "registration", "discovery", "health", "cloud")
		.whereLayer("cloud")
		.mayOnlyAccessLayers("etcd", "registration", "discovery", "health")
		.whereLayer("grpc")
		.mayOnlyAccessLayers("etcd", "discovery", "health", "actuate")
		.whereLayer("autoconfigure")
		.mayNotBeAccessedByAnyLayer()
		.ensureAllClassesAreContainedInArchitecture();

	@ArchTest
	static final ArchRule packagesHaveNoCycles = slices().matching("io.etcddiscovery.(*)..").should().beFreeOfCycles();

	@ArchTest
	static final ArchRule everyPackageIsNullMarked = all(packages()).should(beAnnotatedWith(NullMarked.class));

	@ArchTest
	static final ArchRule everyClassLogsUnderItsOwnName = classes().should(createTheirLoggersForThemselves());

	/**
	 * One owner per piece of state: a field is set only by the class that declares it.
	 * Nested classes are no exception, either way: an outer class does not set the fields
	 * of its nested classes, nor a nested (or anonymous) class those of its outer class.
	 * A collaborator returns a result, or calls a method of the owner that changes the
	 * owner's state. Lambdas compile to methods of the class that writes them, so they
	 * count as that class.
	 */
	@ArchTest
	static final ArchRule fieldsAreSetOnlyByTheirOwnClass = classes().should(setOnlyTheirOwnFields());

	private static AbstractClassesTransformer<JavaPackage> packages() {
		return new AbstractClassesTransformer<>("packages") {

			@Override
			public Iterable<JavaPackage> doTransform(JavaClasses classes) {
				return classes.stream().map(JavaClass::getPackage).collect(Collectors.toSet());
			}

		};
	}

	private static ArchCondition<JavaPackage> beAnnotatedWith(Class<NullMarked> annotation) {
		return new ArchCondition<>("be annotated with @" + annotation.getSimpleName() + " in their package-info") {

			@Override
			public void check(JavaPackage javaPackage, ConditionEvents events) {
				boolean annotated = javaPackage.isAnnotatedWith(annotation);
				events.add(new SimpleConditionEvent(javaPackage, annotated, javaPackage.getName() + " is "
						+ (annotated ? "" : "not ") + "annotated with @" + annotation.getSimpleName()));
			}

		};
	}

	private static ArchCondition<JavaClass> setOnlyTheirOwnFields() {
		return new ArchCondition<>("set only their own fields") {

			@Override
			public void check(JavaClass javaClass, ConditionEvents events) {
				for (JavaFieldAccess access : javaClass.getFieldAccessesFromSelf()) {
					JavaClass owner = access.getTarget().getOwner();
					if (access.getAccessType() == AccessType.SET && !owner.equals(javaClass)) {
						events.add(SimpleConditionEvent.violated(access, access.getOrigin().getFullName() + " sets "
								+ access.getTarget().getFullName() + " " + access.getSourceCodeLocation()));
					}
				}
			}

		};
	}

	/**
	 * A static final {@link Log} field is set, in the static initializer, from a
	 * {@code LogFactory.getLog(X.class)} on the same line: X is the class itself. A
	 * logger created from a name or from another class fails. What the bytecode shows on
	 * the line that sets the field decides, since the log name itself is not readable
	 * from a {@code Log}.
	 */
	private static ArchCondition<JavaClass> createTheirLoggersForThemselves() {
		return new ArchCondition<>("create their static loggers for their own class") {

			@Override
			public void check(JavaClass javaClass, ConditionEvents events) {
				for (JavaField field : javaClass.getFields()) {
					if (field.getModifiers().containsAll(Set.of(JavaModifier.STATIC, JavaModifier.FINAL))
							&& field.getRawType().isAssignableTo(Log.class)) {
						checkLogger(javaClass, field, events);
					}
				}
			}

			private void checkLogger(JavaClass javaClass, JavaField field, ConditionEvents events) {
				List<JavaFieldAccess> sets = javaClass.getStaticInitializer()
					.stream()
					.flatMap((code) -> code.getFieldAccesses().stream())
					.filter((access) -> access.getAccessType() == AccessType.SET)
					.sorted(Comparator.comparingInt(JavaAccess::getLineNumber))
					.toList();
				JavaFieldAccess set = sets.stream()
					.filter((access) -> isAccessTo(access.getTarget(), field))
					.findFirst()
					.orElse(null);
				if (set == null) {
					events.add(SimpleConditionEvent.violated(field, field.getFullName()
							+ " is not set in the static initializer " + javaClass.getSourceCodeLocation()));
					return;
				}
				// The statement that sets the logger starts after the field set before it
				// (javac
				// gives a statement wrapped over lines the lines of its parts).
				int from = sets.stream()
					.mapToInt(JavaAccess::getLineNumber)
					.filter((line) -> line < set.getLineNumber())
					.max()
					.orElse(0);
				Set<JavaClass> named = set.getOrigin()
					.getReferencedClassObjects()
					.stream()
					.filter((reference) -> reference.getLineNumber() > from
							&& reference.getLineNumber() <= set.getLineNumber())
					.map(ReferencedClassObject::getRawType)
					.collect(Collectors.toSet());
				boolean own = named.equals(Set.of(javaClass));
				String names = named.isEmpty() ? "a name that is not a class literal"
						: named.stream().map(JavaClass::getSimpleName).sorted().collect(Collectors.joining(", "));
				events.add(new SimpleConditionEvent(field, own,
						field.getFullName() + " logs under "
								+ (own ? "its own class" : names + ", not " + javaClass.getSimpleName()) + " "
								+ set.getSourceCodeLocation()));
			}

			private boolean isAccessTo(FieldAccessTarget target, JavaField field) {
				return target.getOwner().equals(field.getOwner()) && target.getName().equals(field.getName());
			}

		};
	}

	/**
	 * Leaves out the test-support module, whose classes are a directory, not a jar, when
	 * Maven runs the tests of a reactor build before the package phase.
	 */
	static final class DoNotIncludeTestSupport implements ImportOption {

		@Override
		public boolean includes(Location location) {
			return !location.contains("/io/etcddiscovery/test/");
		}

	}

}
